package org.decoder4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.decoder4j.eval.Bleu;
import org.decoder4j.eval.BleuScore;
import org.decoder4j.eval.BleuTokenizer;
import org.decoder4j.eval.SegmentFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code decoder4j bleu}: corpus BLEU of a hypotheses file against reference files, as sacreBLEU. */
@Command(name = "bleu",
        header = "Corpus BLEU of hypotheses against references, as sacreBLEU computes it.",
        mixinStandardHelpOptions = true,
        description = {
            "Reads one segment per line (UTF-8, trailing whitespace removed); each --references file is a "
                    + "reference stream with one line per hypothesis line.",
            "Computes corpus BLEU with sacreBLEU's defaults: 13a tokenisation, n-grams up to 4, the reference "
                    + "closest in length for the brevity penalty, exp smoothing. Prints sacreBLEU's one-line "
                    + "report (without its version field), or with --json one JSON object."
        })
final class BleuCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--hypotheses", required = true, paramLabel = "FILE",
            description = "System output, one segment per line.")
    Path hypotheses;

    @Option(names = "--references", required = true, paramLabel = "FILE",
            description = "Reference file, parallel to the hypotheses; repeat the flag for several references per segment.")
    List<Path> references;

    @Option(names = "--tokenize", paramLabel = "13a|none", defaultValue = "13a",
            description = "Tokenizer: 13a (mteval-v13a, sacreBLEU's default) or none (split at whitespace only) "
                    + "(default: ${DEFAULT-VALUE}).")
    String tokenize;

    @Option(names = "--width", paramLabel = "N", defaultValue = "1",
            description = "Decimal places of the score in the text line, as sacreBLEU's --width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--json",
            description = "Print one JSON object with keys bleu, counts, totals, precisions, bp, ratio, sys_len, ref_len, signature.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        BleuTokenizer tokenizer = tokenizer();
        Flags.nonNegative(spec, "--width", width);
        if (width > 15) {
            throw Flags.usage(spec, "--width must be at most 15, got " + width);
        }
        List<String> hyps = SegmentFile.read(hypotheses);
        List<List<String>> refs = new ArrayList<>();
        for (Path file : references) {
            List<String> stream = SegmentFile.read(file);
            if (stream.size() != hyps.size()) {
                throw new IllegalArgumentException(file + ": " + stream.size() + " lines, but " + hypotheses + " has "
                        + hyps.size() + "; each references file needs one line per hypothesis");
            }
            refs.add(stream);
        }
        Bleu bleu = Bleu.corpus().tokenizer(tokenizer);
        BleuScore s = bleu.corpusScore(hyps, refs);
        String signature = bleu.signature(refs.size());

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode();
            node.put("bleu", s.score());
            ArrayNode counts = node.putArray("counts");
            s.counts().forEach(counts::add);
            ArrayNode totals = node.putArray("totals");
            s.totals().forEach(totals::add);
            ArrayNode precisions = node.putArray("precisions");
            s.precisions().forEach(precisions::add);
            node.put("bp", s.bp());
            node.put("ratio", s.ratio());
            node.put("sys_len", s.sysLen());
            node.put("ref_len", s.refLen());
            node.put("signature", signature);
            out.println(node);
        } else {
            out.println(BleuLine.of(s, signature, width));
        }
        out.flush();
        return 0;
    }

    private BleuTokenizer tokenizer() {
        try {
            return BleuTokenizer.named(tokenize);
        } catch (IllegalArgumentException e) {
            throw Flags.usage(spec, "--tokenize: " + e.getMessage());
        }
    }
}
