/**
 * Common given names (US, UK and European census lists), lower-case. Only used to tell a
 * column of names from other capitalised text when the column's name says nothing.
 */
export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  `aaron adam adrian aidan alan albert alex alexander alexandra alice alicia amanda amber amelia amy
  andrea andrew angela ann anna anne anthony antonio arthur ashley barbara ben benjamin beth betty
  brandon brenda brian bruce carl carlos carol caroline catherine charles charlotte chloe chris
  christian christina christine christopher claire daniel david deborah debra dennis diana diane
  donald donna dorothy douglas dylan edward elena elizabeth ella emily emma eric ethan eva evelyn
  frank gabriel gary george grace gregory hannah harold harry heather helen henry isabella jack
  jacob james jane janet jason jean jeffrey jennifer jeremy jessica joan john jonathan jose joseph
  joshua joyce juan judith julia julie justin karen katherine kathleen kelly kenneth kevin kimberly
  larry laura lauren linda lisa logan louis lucas luis lucy margaret maria marie mark martha martin
  mary matthew megan melissa michael michelle mohammed nancy nathan nicholas nicole noah olivia
  oliver pamela patricia patrick paul peter philip rachel raymond rebecca richard robert roger ronald
  rose ruth ryan samantha samuel sandra sara sarah scott sean sharon sophia sophie stephanie stephen
  steven susan teresa thomas timothy tyler victoria vincent virginia walter wayne william zachary
  ahmed ali ana carmen fatima hans ingrid jan javier jens klaus lars laura lena lukas mario marco
  mehmet mia miguel nina olga pablo paolo pedro pierre pilar sven yuki wei li ming`
    .split(/\s+/)
    .filter((name) => name.length > 0),
);
