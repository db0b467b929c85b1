package org.decoder4j.train;

/** How training batches are drawn from the token file. */
public enum WindowSampling {
    /** nanoGPT's: each row starts at a uniformly random offset (seeded). */
    RANDOM,
    /** At step k, row b is window (k·B + b) mod n of the consecutive non-overlapping windows. */
    SEQUENTIAL,
    /** Epochs over the non-overlapping windows, each in a new seeded order (a shuffled DataLoader). */
    SHUFFLED,
    /** Batches from a sampler the user gave the trainer ({@code Trainer.batches}). */
    CUSTOM
}
