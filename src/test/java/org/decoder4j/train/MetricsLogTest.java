package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What a run told its listeners, in order. */
    private static final class Recorder implements TrainingListener {
        final List<StepResult> steps = new ArrayList<>();
        final List<Long> evalSteps = new ArrayList<>();
        final List<EvalResult> evals = new ArrayList<>();

        @Override
        public void onStep(StepResult s) {
            steps.add(s);
        }

        @Override
        public void onEvaluation(long step, EvalResult r) {
            evalSteps.add(step);
            evals.add(r);
        }
    }

    private static Recorder train(MetricsLog... logs) {
        GPT model = GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(16).seed(4).build();
        int[] tokens = new int[400];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 5 + i / 3) % 11;
        }
        Recorder recorder = new Recorder();
        Trainer trainer = Trainer.forModel(model).data(TokenDataset.of(tokens), TokenDataset.of(tokens))
                .batchSize(2).steps(6).evalEvery(3).optimizer(AdamW.lr(1e-2)).listener(recorder);
        for (MetricsLog log : logs) {
            trainer.listener(log);
        }
        trainer.fit();
        return recorder;
    }

    @Test
    void bothFilesHoldEveryStepAndEvaluationOfARun() throws IOException {
        Path jsonFile = dir.resolve("logs/steps.jsonl");
        Path csvFile = dir.resolve("logs/metrics.csv");
        Recorder run;
        try (JsonLinesLog json = JsonLinesLog.create(jsonFile); CsvMetricsLog csv = CsvMetricsLog.create(csvFile)) {
            run = train(json, csv);
        }
        assertEquals(6, run.steps.size());
        assertEquals(List.of(3L, 6L), run.evalSteps);

        // Rows in the order the run produced them: three steps, an evaluation, three steps, an evaluation.
        List<String> json = Files.readAllLines(jsonFile);
        List<String> csv = Files.readAllLines(csvFile);
        assertEquals(8, json.size());
        assertEquals(9, csv.size());
        assertEquals(CsvMetricsLog.HEADER, csv.get(0));
        int[] stepRows = {0, 1, 2, 4, 5, 6};
        int[] evalRows = {3, 7};
        for (int k = 0; k < 6; k++) {
            StepResult s = run.steps.get(k);
            JsonNode o = JSON.readTree(json.get(stepRows[k]));
            assertEquals(Set.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "ms"), keys(o));
            assertEquals(k, o.get("step").asLong());
            assertEquals(s.loss(), o.get("loss").asDouble());
            assertEquals(s.lr(), o.get("lr").asDouble());
            assertEquals(s.gradNorm(), o.get("grad_norm").asDouble());
            assertEquals(s.tokensPerSecond(), o.get("tokens_per_s").asDouble(), 0.05);
            assertEquals(s.millis(), o.get("ms").asDouble(), 0.0005);

            String[] cells = csv.get(1 + stepRows[k]).split(",", -1);
            assertEquals(7, cells.length, csv.get(1 + stepRows[k]));
            assertEquals(k, Long.parseLong(cells[0]));
            assertEquals(s.loss(), Double.parseDouble(cells[1]));
            assertEquals(s.lr(), Double.parseDouble(cells[2]));
            assertEquals(s.gradNorm(), Double.parseDouble(cells[3]));
            assertEquals(s.tokensPerSecond(), Double.parseDouble(cells[4]), 0.05);
            assertEquals(s.millis(), Double.parseDouble(cells[5]), 0.0005);
            assertEquals("", cells[6]);
        }
        for (int e = 0; e < 2; e++) {
            JsonNode o = JSON.readTree(json.get(evalRows[e]));
            assertEquals(Set.of("step", "val_loss"), keys(o));
            assertEquals(run.evalSteps.get(e), o.get("step").asLong());
            assertEquals(run.evals.get(e).loss(), o.get("val_loss").asDouble());

            String[] cells = csv.get(1 + evalRows[e]).split(",", -1);
            assertEquals(List.of(String.valueOf(run.evalSteps.get(e)), "", "", "", "", "",
                    String.valueOf(run.evals.get(e).loss())), List.of(cells));
        }
    }

    private static Set<String> keys(JsonNode o) {
        Set<String> keys = new TreeSet<>();
        o.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void aDivergedLossIsWrittenSoThatItReadsBack() throws IOException {
        Path jsonFile = dir.resolve("nan.jsonl");
        Path csvFile = dir.resolve("nan.csv");
        StepResult diverged = new StepResult(7, Double.NaN, 1e-3, Double.POSITIVE_INFINITY, 12.5, 96);
        try (JsonLinesLog json = JsonLinesLog.create(jsonFile); CsvMetricsLog csv = CsvMetricsLog.create(csvFile)) {
            json.onStep(diverged);
            csv.onStep(diverged);
        }
        JsonNode o = JSON.readTree(Files.readString(jsonFile));
        assertEquals("NaN", o.get("loss").asText());
        assertEquals("Infinity", o.get("grad_norm").asText());
        assertEquals(7680.0, o.get("tokens_per_s").asDouble());
        assertEquals("7,NaN,0.001,Infinity,7680.0,12.500,", Files.readAllLines(csvFile).get(1));
    }

    @Test
    void appendingContinuesTheTableUnderItsOneHeader() throws IOException {
        Path csvFile = dir.resolve("resumed.csv");
        try (CsvMetricsLog csv = CsvMetricsLog.append(csvFile)) {
            csv.onStep(new StepResult(0, 2.5, 1e-3, 0.75, 10, 100));
        }
        try (CsvMetricsLog csv = CsvMetricsLog.append(csvFile)) {
            csv.onStep(new StepResult(1, 2.25, 1e-3, 0.5, 20, 100));
            csv.onEvaluation(2, new EvalResult(2.0, Math.exp(2.0), 0.5, 64));
        }
        assertEquals(List.of(CsvMetricsLog.HEADER, "0,2.5,0.001,0.75,10000.0,10.000,",
                "1,2.25,0.001,0.5,5000.0,20.000,", "2,,,,,,2.0"), Files.readAllLines(csvFile));

        Path jsonFile = dir.resolve("resumed.jsonl");
        try (JsonLinesLog json = JsonLinesLog.create(jsonFile)) {
            json.onStep(new StepResult(0, 2.5, 1e-3, 0.75, 10, 100));
        }
        try (JsonLinesLog json = JsonLinesLog.append(jsonFile)) {
            json.onEvaluation(1, new EvalResult(2.0, Math.exp(2.0), 0.5, 64));
        }
        assertEquals(List.of("{\"step\":0,\"loss\":2.5,\"lr\":0.001,\"grad_norm\":0.75,\"tokens_per_s\":10000.0,"
                + "\"ms\":10.000}", "{\"step\":1,\"val_loss\":2.0}"), Files.readAllLines(jsonFile));
    }

    @Test
    void refusesToAppendToAFileThatIsNotAMetricsTable() throws IOException {
        Path other = Files.writeString(dir.resolve("other.csv"), "a,b,c\n1,2,3\n");
        IOException e = assertThrows(IOException.class, () -> CsvMetricsLog.append(other));
        assertTrue(e.getMessage().contains("not a metrics table"), e.getMessage());
        assertEquals("a,b,c\n1,2,3\n", Files.readString(other), "left as it was");
    }
}
