package org.decoder4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ParameterGroupingTest {

    private final GPT model = GPT.builder().vocabSize(11).contextLength(8).layers(2).heads(2).embeddingSize(16)
            .seed(1).build();

    @Test
    void decaysMatricesAndEmbeddingsButNotBiasesOrNorms() {
        List<ParameterGroup> groups = ParameterGrouping.decayMatricesOnly(model.parameters(), 1e-3, 0.1);
        assertEquals(0.1, groups.get(0).weightDecay());
        assertEquals(0.0, groups.get(1).weightDecay());
        assertTrue(groups.get(0).parameters().stream().allMatch(p -> p.rank() >= 2));
        assertTrue(groups.get(1).parameters().stream().allMatch(p -> p.rank() < 2));
        // wte, wpe, and per block q, k, v, proj, fc, mlp proj: 2 + 2·6 matrices
        assertEquals(14, groups.get(0).parameters().size());
        assertEquals(model.parameters().size(), groups.get(0).parameters().size() + groups.get(1).parameters().size());
    }

    @Test
    void embeddingsCanBeExempted() {
        Tensor wte = model.tokenEmbedding().weight();
        Tensor wpe = model.positionEmbedding().weight();
        List<ParameterGroup> groups = ParameterGrouping.decayMatricesOnly(model.parameters(), 1e-3, 0.1,
                List.of(wte, wpe));
        assertEquals(12, groups.get(0).parameters().size());
        assertTrue(groups.get(0).parameters().stream().noneMatch(p -> p == wte || p == wpe));
        assertSame(wte, groups.get(1).parameters().stream().filter(p -> p == wte).findFirst().orElseThrow());
        assertTrue(groups.get(1).parameters().contains(wpe));
    }
}
