package org.decoder4j.tensor.cpu;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_a;
import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.ShortPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Float32 ↔ bfloat16 conversion of dense arrays through oneDNN's reorder primitive (rounding to
 * nearest, ties to even), split across cores: one pass over memory, where ND4J's cast is a scalar
 * loop. Used by {@code Autocast} for the operands and results of bfloat16 products.
 *
 * <pre>{@code
 * OneDnnCast.toBfloat16(x, low);                    // x: float32, any layout; low: bfloat16, C order
 * OneDnnCast.toFloat(low, y);                       // y: dense float32 of the same length
 * OneDnnCast.roundToBfloat16InPlace(c);             // c: dense float32, now holding bfloat16 values
 * }</pre>
 */
public final class OneDnnCast {

    /** Elements below which a conversion stays on one thread. */
    private static final int SPLIT_ELEMENTS = 1 << 16;
    private static final ThreadLocal<Map<Long, Reorder>> REORDERS = ThreadLocal.withInitial(HashMap::new);
    /** Elements per piece of an in-place rounding: its bfloat16 buffer stays in the core's cache. */
    private static final int ROUND_TRIP_ELEMENTS = 1 << 17;
    private static final ThreadLocal<ShortPointer> ROUND_TRIP = ThreadLocal.withInitial(
            () -> new ShortPointer(ROUND_TRIP_ELEMENTS));

    private OneDnnCast() {
    }

    /** Writes {@code x}'s float32 values, rounded to nearest even, into the C-ordered bfloat16 {@code low}. */
    public static void toBfloat16(INDArray x, INDArray low) {
        if (low.dataType() != DataType.BFLOAT16 || low.length() != x.length()) {
            throw new IllegalArgumentException("expected a bfloat16 array of " + x.length() + " elements, got "
                    + low.shapeInfoToString());
        }
        convert(FloatMemory.isDenseFloatOfAnyLength(x) ? x : x.dup('c'), low, true);
    }

    /** Writes the bfloat16 values of {@code low} into the dense float32 array {@code out} (same length). */
    public static void toFloat(INDArray low, INDArray out) {
        if (!FloatMemory.isDenseFloatOfAnyLength(out) || low.length() != out.length()) {
            throw new IllegalArgumentException("expected a dense float32 array of " + low.length()
                    + " elements, got " + out.shapeInfoToString());
        }
        convert(low, out, false);
    }

    /**
     * Rounds the dense float32 {@code x} in place to the values bfloat16 holds (to nearest, ties to
     * even): each piece goes to bfloat16 in a small per-thread buffer and straight back, so no
     * bfloat16 array of {@code x}'s size is needed.
     */
    public static void roundToBfloat16InPlace(INDArray x) {
        if (!FloatMemory.isDenseFloatOfAnyLength(x)) {
            throw new IllegalArgumentException("expected a dense float32 array, got " + x.shapeInfoToString());
        }
        long n = x.length();
        long address = x.data().addressPointer().address();
        CoreParallel.forRanges((int) n, SPLIT_ELEMENTS, (part, start, end) ->
                roundInPlace(address + (long) start * Float.BYTES, end - start));
    }

    /**
     * Rounds {@code length} float32 values from {@code address} in place to bfloat16 values, on this
     * thread: for a product's part, rounded by the thread that wrote it while it is still in that
     * core's cache.
     */
    static void roundInPlace(long address, long length) {
        long buffer = ROUND_TRIP.get().address();
        for (long from = 0; from < length; from += ROUND_TRIP_ELEMENTS) {
            long piece = Math.min(ROUND_TRIP_ELEMENTS, length - from);
            long at = address + from * Float.BYTES;
            reorder(piece, true).execute(at, buffer);
            reorder(piece, false).execute(buffer, at);
        }
    }

    private static Reorder reorder(long length, boolean toBfloat16) {
        return REORDERS.get().computeIfAbsent(length * 2 + (toBfloat16 ? 1 : 0), key -> Reorder.create(length, toBfloat16));
    }

    private static void convert(INDArray from, INDArray to, boolean toBfloat16) {
        long n = from.length();
        long fromAddress = from.data().addressPointer().address();
        long toAddress = to.data().addressPointer().address();
        int fromWidth = from.dataType().width();
        int toWidth = to.dataType().width();
        CoreParallel.forRanges((int) n, SPLIT_ELEMENTS, (part, start, end) -> {
            reorder(end - start, toBfloat16)
                    .execute(fromAddress + (long) start * fromWidth, toAddress + (long) start * toWidth);
        });
    }

    /** A reorder primitive for one length and direction, with its two memory objects. */
    private record Reorder(dnnl_primitive primitive, dnnl_memory from, dnnl_memory to, dnnl_exec_arg_t args,
                           OneDnn.Address address) {

        static Reorder create(long n, boolean toBfloat16) {
            dnnl_memory_desc_t f32 = desc(n, dnnl_f32);
            dnnl_memory_desc_t bf16 = desc(n, dnnl_bf16);
            dnnl_memory_desc_t fromDesc = toBfloat16 ? f32 : bf16;
            dnnl_memory_desc_t toDesc = toBfloat16 ? bf16 : f32;
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            OneDnn.check(dnnl_reorder_primitive_desc_create(pd, fromDesc, OneDnn.engine(), toDesc, OneDnn.engine(),
                    null), "reorder primitive_desc_create");
            dnnl_primitive primitive = new dnnl_primitive();
            OneDnn.check(dnnl_primitive_create(primitive, pd), "primitive_create");
            OneDnn.Address address = new OneDnn.Address();
            dnnl_memory from = new dnnl_memory();
            dnnl_memory to = new dnnl_memory();
            OneDnn.check(dnnl_memory_create(from, fromDesc, OneDnn.engine(), address.at(0)), "memory_create");
            OneDnn.check(dnnl_memory_create(to, toDesc, OneDnn.engine(), address.at(0)), "memory_create");
            dnnl_exec_arg_t args = new dnnl_exec_arg_t(2);
            args.position(0).arg(DNNL_ARG_FROM).memory(from);
            args.position(1).arg(DNNL_ARG_TO).memory(to);
            args.position(0);
            return new Reorder(primitive, from, to, args, address);
        }

        void execute(long fromAddress, long toAddress) {
            OneDnn.check(dnnl_memory_set_data_handle(from, address.at(fromAddress)), "memory_set_data_handle");
            OneDnn.check(dnnl_memory_set_data_handle(to, address.at(toAddress)), "memory_set_data_handle");
            OneDnn.check(dnnl_primitive_execute(primitive, OneDnn.stream(), 2, args), "reorder execute");
        }

        private static dnnl_memory_desc_t desc(long n, int type) {
            dnnl_memory_desc_t d = new dnnl_memory_desc_t();
            OneDnn.check(dnnl_memory_desc_init_by_tag(d, 1, new long[] {n}, type, dnnl_a), "memory_desc_init");
            return d;
        }
    }
}
