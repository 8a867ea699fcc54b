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

/**
 * Who the joint series count, and whose count lets a new series into SUMMARY: **established**
 * installations, first seen at least {@link ESTABLISHED_MIN_AGE_DAYS} days before the day and
 * checked in on at least {@link ESTABLISHED_MIN_CHECK_IN_DAYS} of the
 * {@link ESTABLISHED_MIN_AGE_DAYS} days up to it (both production's defaults; each environment's
 * `ESTABLISHED_MIN_AGE_DAYS` and `ESTABLISHED_MIN_CHECK_IN_DAYS` variables may say otherwise).
 *
 * K protects against readers, not against writers. A stranger who posts K − 1 installations of
 * their own with a chosen combination would make that cell publishable whenever one real
 * installation shares it, and subtract their own: the cell would then follow one organisation's
 * setup night after night. Counted over established installations only, each fake must first
 * check in on 7 of 14 days under its own system id (and the budget on new installations limits
 * how many ids a network gets a day), so padding one cell costs weeks of daily posting by four
 * installations, and the padding shows as four long-lived installations with the same rare
 * setup. It does not stop a patient writer: the page and docs/contract.md say so.
 *
 * Why 14 and 7: pulpcore posts once a day from a scheduled task, so a real server running for two
 * weeks has about 14 check-in days; 7 leaves room for a server that is down on weekends or for a
 * week of holidays. A longer span would leave a new real installation out of the joint series for
 * longer than the two weeks that a support decision can wait anyway.
 */
export const ESTABLISHED_MIN_AGE_DAYS = 14;
export const ESTABLISHED_MIN_CHECK_IN_DAYS = 7;
