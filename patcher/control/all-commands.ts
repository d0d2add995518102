// Every area that adds control commands, imported once by `dsu run`.
export {};
