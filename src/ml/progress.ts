/**
 * How long work says how far it is, everywhere a step is counted (the model search, training,
 * encoding, a job): what it is doing, how many of how many are done (0 when the total is unknown).
 * The CLI draws it as a bar, a job stores it as its progress, tests ignore it. Imports report
 * their counts (imported, updated, ...) as `IngestProgress` instead, which a step cannot carry.
 */
export type OnProgress = (what: string, done: number, total: number) => void;
