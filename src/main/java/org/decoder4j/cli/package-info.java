/**
 * The decoder4j command line (prepare, train, eval, sample, finetune, bench, ...): the only place
 * that parses flags (picocli) and prints to the console. It is packaged in decoder4j-cli.jar, not
 * in the library jar, and may use every other package.
 */
package org.decoder4j.cli;
