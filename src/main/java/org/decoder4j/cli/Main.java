package org.decoder4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.decoder4j.tensor.ComputeEngine;
import org.decoder4j.train.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code decoder4j} command line, seven commands: {@code prepare} (text to token files),
 * {@code train} (a new or saved model), {@code eval} (loss, perplexity, accuracy of a model on a
 * token file), {@code sample} (generate text), {@code bleu} (score texts against references),
 * {@code bench} (time the training step of a model shape) and {@code finetune} (supervised
 * fine-tuning on dialogues).
 *
 * <pre>
 * java -jar target/decoder4j-cli.jar train --out out/shakespeare
 * java -jar target/decoder4j-cli.jar sample --model out/shakespeare --prompt "ROMEO:"
 * </pre>
 *
 * <p>Results go to standard output, progress and errors to standard error. Exit status: 0 on
 * success, 2 for a usage error (unknown flag, bad value, conflicting flags), 1 for any other
 * error (missing or malformed file, data that does not fit the model), 3 when training diverged
 * (non-finite loss or gradients; nothing was saved after it). An error is one line
 * naming the problem; {@code --verbose} adds the stack trace.
 */
@Command(name = "decoder4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Train, evaluate and sample GPT-style decoder-only transformers.",
        subcommands = {
            PrepareCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            SampleCommand.class,
            BleuCommand.class,
            BenchCommand.class,
            FinetuneCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    /** Exit status of a usage error, as picocli reports it. */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    /** Exit status of a training run stopped by non-finite losses, gradients or weights. */
    static final int DIVERGED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log more, and print the stack trace of an error.")
    boolean verbose;

    /** The environment variables the commands read (HF_ENDPOINT, HF_HUB_CACHE, ... for hf: models). */
    private final Map<String, String> environment;

    public Main() {
        this(System.getenv());
    }

    private Main(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The command line with its error handling, writing to {@code System.out} and {@code System.err}. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line seeing {@code environment} instead of the process's environment variables. */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cmd = new CommandLine(new Main(environment));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(Main::usageError);
        cmd.setExecutionExceptionHandler((e, command, parseResult) -> failure(e, command, verbose(parseResult)));
        cmd.setExecutionStrategy(parseResult -> {
            if (verbose(parseResult)) {
                CliLogging.verbose();
            }
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (OutOfMemoryError e) {
                // An input larger than the JVM's heap: one line, as for any other error.
                CommandLine last = parseResult.asCommandLineList().get(parseResult.asCommandLineList().size() - 1);
                last.getErr().println(last.getCommandSpec().qualifiedName() + ": out of Java heap memory ("
                        + e.getMessage() + "); give the JVM more with -Xmx, or a smaller input");
                last.getErr().flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
        });
        return cmd;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");   // --plot draws off screen; never a window
        CliLogging.configure();
        ComputeEngine.configure();
        System.exit(commandLine().execute(args));
    }

    /** The environment of the command line {@code spec} belongs to. */
    static Map<String, String> environment(CommandSpec spec) {
        return spec.root().userObject() instanceof Main main ? main.environment : System.getenv();
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        return USAGE;
    }

    /** A flag problem: one line with the command's name, and where to read its usage. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.MissingParameterException && !command.getUnmatchedArguments().isEmpty()) {
            // An unknown flag explains a missing one (a typo in its name), so it is the one to report.
            message = "Unknown option or argument: '" + String.join("', '", command.getUnmatchedArguments()) + "'";
        }
        command.getErr().println(name + ": " + ErrorMessages.oneLine(message)
                + " (see '" + name + " --help')");
        command.getErr().flush();
        if (containsVerbose(args)) {
            e.printStackTrace(command.getErr());
            command.getErr().flush();
        }
        return USAGE;
    }

    /** Any other failure while a command runs: one line, the stack trace only with --verbose. */
    private static int failure(Exception e, CommandLine command, boolean verbose) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + ErrorMessages.describe(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof TrainingDivergedException ? DIVERGED : CommandLine.ExitCode.SOFTWARE;
    }

    private static boolean verbose(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsVerbose(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The version in the jar's manifest, or "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"decoder4j " + (v == null ? "(development build)" : v)};
        }
    }
}
