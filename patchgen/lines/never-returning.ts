// Which changed source lines of a function that is never replaced (main, an
// --always-active function) will not take effect: the lines of the new
// version that differ from the old, split by where the new machine code for
// them sits, before the function's loops (start-up code that already ran)
// or inside one (code that keeps running old). Lines come from the line
// table of the debug information.
export interface LineEffects {
  unit: string;
  function: string;
  /** The source file the lines are in. */
  file: string;
  /** Changed lines of start-up code: it already ran, so they have no effect. */
  startup: number[];
  /** Changed lines inside a loop: the old code keeps running there. */
  loop: number[];
  /** Lines of the old version that are gone but keep running (old numbering). */
  removed: number[];
  /** Set when the lines could not be told (no line information). */
  unknown: string | null;
}
