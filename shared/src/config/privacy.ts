/**
 * The small-cell rule of the joint series (docs/contract.md#joint-series): a cell counting fewer
 * than this many installations is not published on its own; its count goes into its row's
 * `other` remainder, so rows and totals stay exact.
 *
 * Why 5: it is the threshold most statistics offices use for published frequency tables of small
 * populations (counts 1–4 suppressed), and it fits what the joint series are for. A maintainer
 * deciding a support change needs the combinations many installations run; a cell of one to four
 * installations is what could single out one organisation's setup (an installation knows its own
 * facts, so with a cell of 2 it would learn the other one's). Pulp's persistent population is a
 * few thousand installations: a larger K (10, 20) would move most plugin × core cells of the less
 * used plugins into remainders and make the planner's bounds wide, a K of 3 would leave a cell of
 * 3 where two colluding installations learn the third.
 */
export const SMALL_CELL_K = 5;
