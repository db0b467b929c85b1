package org.decoder4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Logging of the command line, set up in code so that the library jar carries no logging
 * configuration: decoder4j's progress at INFO and everyone else's warnings, on standard error
 * (standard output is for results). A user's own {@code -Dlogback.configurationFile} wins.
 */
final class CliLogging {

    private static final String PATTERN = "%d{HH:mm:ss} %-5level %msg%n";
    private static boolean configured;

    private CliLogging() {
    }

    /** Call first in {@code main}, before anything logs. */
    static synchronized void configure() {
        if (System.getProperty("logback.configurationFile") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("org.decoder4j").setLevel(Level.INFO);
        // warnings that say nothing a user of train --spark-master can act on: the host name resolves
        // to the loopback address (the local master binds there on purpose), and Hadoop's optional
        // native library is absent (its Java code is used)
        context.getLogger("org.apache.spark.util.Utils").setLevel(Level.ERROR);
        context.getLogger("org.apache.hadoop.util.NativeCodeLoader").setLevel(Level.ERROR);
        configured = true;
    }

    /** {@code --verbose}: decoder4j's debug messages too, if {@link #configure()} set logging up. */
    static synchronized void verbose() {
        if (configured && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger("org.decoder4j").setLevel(Level.DEBUG);
        }
    }
}
