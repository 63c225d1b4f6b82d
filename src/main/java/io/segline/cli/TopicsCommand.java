package io.segline.cli;

import io.segline.topics.Topic;
import io.segline.topics.TopicAdmin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Topic administration. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manages segline's topics.",
        subcommands = TopicsCommand.Create.class)
public final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates the images, masks, quality and dead-letter topics (names from the configuration) with"
                    + " max.message.bytes set to segline.max.record.bytes plus an envelope, matching what segline's producers"
                    + " and consumers use. Existing topics are left unchanged."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Option(names = {"-p", "--partitions"}, defaultValue = "3",
                description = "Partitions per topic: the most instances that can share the work (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = {"-R", "--replication-factor"}, defaultValue = "1",
                description = "Replicas per partition; use 3 on a production cluster (default: ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (TopicAdmin.Outcome outcome : TopicAdmin.createTopics(connection.config(), partitions, replicationFactor)) {
                out.printf("%-28s %s %s%n", outcome.topic(), outcome.created() ? "created:" : "", outcome.detail());
            }
            return 0;
        }
    }
}
