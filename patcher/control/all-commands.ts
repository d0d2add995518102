// Every area that adds control commands, imported once by `dsu run`.
import '../inspect/commands.js';
import './patch-commands.js';
