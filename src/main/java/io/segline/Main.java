package io.segline;

import io.segline.cli.BenchCommand;
import io.segline.cli.CaptionCommand;
import io.segline.cli.DatasetCommand;
import io.segline.cli.DemoCommand;
import io.segline.cli.EvaluateCommand;
import io.segline.cli.MonitorCommand;
import io.segline.cli.ProduceCommand;
import io.segline.cli.RunCommand;
import io.segline.cli.SoakCommand;
import io.segline.cli.SubscribeCommand;
import io.segline.cli.TopicsCommand;
import io.segline.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code segline} command line: one verb per subcommand class in {@code io.segline.cli}. */
@Command(name = "segline",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Streaming segmentation for digitization lines: Kafka Streams, Avro records in the"
                + " Confluent wire format, diffusion segmentation.",
        subcommands = {DemoCommand.class, RunCommand.class, ProduceCommand.class, SubscribeCommand.class, TopicsCommand.class,
                DatasetCommand.class, TrainCommand.class, EvaluateCommand.class, CaptionCommand.class, MonitorCommand.class, BenchCommand.class, SoakCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log everything at INFO and above, including the start-up warnings segline hides by default"
                    + " (Kafka's internal-topic creation, the embedded broker's).")
    void verbose(boolean on) {
        if (on) {
            io.segline.cli.Logging.verbose();
        }
    }

    public static void main(String[] args) {
        // Models and native libraries come from the class path; nothing is ever downloaded.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("segline: " + e.getMessage()));
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"segline " + (version == null ? "(development build)" : version)};
        }
    }
}
