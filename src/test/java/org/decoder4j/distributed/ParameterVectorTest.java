package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class ParameterVectorTest {

    private static GPT tiny(long seed) {
        return GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(8).seed(seed).build();
    }

    @Test
    void valuesMoveFromOneModelToAnotherExactly() {
        GPT source = tiny(1);
        GPT target = tiny(2);
        byte[] bytes = ParameterVector.of(source).values();
        assertEquals(4 * source.parameterCount(), bytes.length);
        ParameterVector.of(target).loadValues(bytes);
        var a = source.namedParameters();
        var b = target.namedParameters();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).value().dup().data().asFloat(), b.get(name).value().dup().data().asFloat(),
                    name);
        }
    }

    @Test
    void gradientsAreTheFlatBufferInPackedOrder() {
        GPT model = tiny(3);
        int n = (int) model.parameterCount();
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            b.putFloat(4 * i, i * 0.5f);
        }
        ParameterVector.of(model).loadGradients(b.array());
        assertArrayEquals(b.array(), ParameterVector.of(model).gradients());
        float[] flat = model.parameterBuffer().grads().data().asFloat();
        assertEquals(0.5f * (n - 1), flat[n - 1]);
        Tensor first = model.parameters().stream().filter(p -> p.rank() >= 2).findFirst().orElseThrow();
        assertEquals(0.5f, first.grad().getFloat(0, 1), "the first matrix starts the buffer");
    }

    @Test
    void aVectorOfTheWrongLengthIsRefused() {
        GPT model = tiny(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterVector.of(model).loadValues(new byte[12]));
        assertEquals("a vector of 12 bytes for a model of " + model.parameterCount() + " float32 parameters",
                e.getMessage());
    }

    @Test
    void onlyFloat32ModelsAreExchanged() {
        GPT model = GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(8)
                .dataType(DataType.DOUBLE).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterVector.of(model));
        assertEquals("distributed training exchanges float32 parameters; this model is DOUBLE", e.getMessage());
    }
}
