package org.decoder4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingCheckpoint;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checkpoints of a training run: {@code --checkpoint-every}, {@code --keep-checkpoints},
 * {@code --resume}, and {@code --overwrite} for an output directory that holds another run's.
 */
final class CheckpointFlags {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Write a resumable checkpoint to OUT/checkpoints/step-N every N steps; 0 = none "
                    + "(default: ${DEFAULT-VALUE}).")
    long every;

    @Option(names = "--keep-checkpoints", paramLabel = "N", defaultValue = "3",
            description = "Keep the N latest checkpoints (default: ${DEFAULT-VALUE}); OUT/best is kept apart.")
    int keep;

    @Option(names = "--overwrite",
            description = "Start a fresh run in an --out that holds another run's checkpoints (OUT/checkpoints, "
                    + "OUT/best), deleting them first; without it such an --out is refused.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
            description = "Continue a run: from the checkpoint DIR, or from the latest checkpoint in DIR/checkpoints, "
                    + "or, without DIR, in OUT/checkpoints. Repeat the run's flags; --steps is the total.")
    String resume;

    /** Checks the ranges and that --resume goes with neither --overwrite nor {@code --init}. */
    void check(boolean init) {
        Flags.nonNegative(spec, "--checkpoint-every", every);
        Flags.positive(spec, "--keep-checkpoints", keep);
        if (resume != null && overwrite) {
            throw Flags.usage(spec, "--resume and --overwrite exclude each other: --resume continues the run in "
                    + "--out, --overwrite deletes its checkpoints to start a fresh one");
        }
        if (resume != null && init) {
            throw Flags.usage(spec, "--resume and --init exclude each other: --resume continues a run with its "
                    + "optimizer state, --init starts a new run from saved weights");
        }
    }

    /**
     * The checkpoints of another run in {@code out} that a fresh run would delete (none when
     * resuming); refused without --overwrite.
     */
    List<Path> otherRun(Path out) throws IOException {
        List<Path> other = resume == null ? TrainingCheckpoint.runCheckpoints(out) : List.of();
        if (!other.isEmpty() && !overwrite) {
            throw new IllegalArgumentException("--out " + out + " holds another run's checkpoints ("
                    + other.stream().map(p -> out.relativize(p).toString()).toList() + "): continue that run "
                    + "with --resume, or start a fresh one with --overwrite, which deletes them");
        }
        return other;
    }

    /** The checkpoint --resume names (the directory itself, or the latest in DIR/checkpoints or OUT/checkpoints), or null. */
    Path resumeFrom(Path out) throws IOException {
        if (resume == null) {
            return null;
        }
        Path given = resume.isEmpty() ? out : Path.of(resume);
        if (Files.isRegularFile(given.resolve(TrainingCheckpoint.STATE_FILE))) {
            return given;
        }
        return TrainingCheckpoint.latest(given.resolve("checkpoints")).orElseThrow(() -> new IllegalArgumentException(
                "--resume: " + given + " is not a checkpoint and has no checkpoints/step-N inside (they are "
                        + "written by train --checkpoint-every N)"));
    }

    /** Sets the trainer's output directory, checkpoints and the checkpoint to resume (may be null). */
    void applyTo(Trainer trainer, Path out, Path checkpoint) {
        trainer.checkpointDir(out).checkpointEvery(every).keepCheckpoints(keep);
        if (checkpoint != null) {
            trainer.resumeFrom(checkpoint);
        }
    }
}
