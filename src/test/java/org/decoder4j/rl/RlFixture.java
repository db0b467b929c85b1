package org.decoder4j.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reads the PyTorch fixtures written by tools/fixtures/make_rl_fixtures.py. */
final class RlFixture {

    private final JsonNode root;

    private RlFixture(JsonNode root) {
        this.root = root;
    }

    static RlFixture load(String name) throws IOException {
        try (InputStream in = RlFixture.class.getResourceAsStream("/fixtures/rl/" + name)) {
            if (in == null) {
                throw new IOException("fixture " + name + " missing: run tools/fixtures/make_rl_fixtures.py");
            }
            return new RlFixture(new ObjectMapper().readTree(in));
        }
    }

    double number(String key) {
        return root.get(key).asDouble();
    }

    double[] vector(String key) {
        JsonNode node = root.get(key);
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    double[][] matrix(String key) {
        JsonNode node = root.get(key);
        double[][] out = new double[node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = node.get(i);
            out[i] = new double[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).asDouble();
            }
        }
        return out;
    }

    INDArray array(String key) {
        return Nd4j.createFromArray(matrix(key)).castTo(DataType.DOUBLE);
    }
}
