package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.model.DecoderLayer;
import org.lorapipe.model.LayerContext;
import org.lorapipe.model.LayerOps;
import org.lorapipe.model.Linear;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LinearModules;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraLinear;
import org.lorapipe.tuning.nf4.Nf4Linear;

/**
 * One decoder layer recorded for backward with its frozen base projections kept out of the autograd
 * graph: bitsandbytes' {@code MatMul4Bit} pattern (save the 4-bit weight, dequantize it again in
 * backward) on an engine without custom autograd functions. The layer is the model's own
 * {@link DecoderLayer}; the tape is the {@link LayerOps} it runs with, so it cuts wherever the layer
 * marks a projection input or the residual stream, whatever the architecture.
 *
 * <p>Plain autograd through {@code y = x W^T} keeps W for the input gradient, so a recorded QLoRA
 * forward would hold every dequantized fp32 weight until backward. Here each base projection runs on a
 * detached input (nothing recorded, its fp32 weight freed at once) and its output enters the graph as
 * a fresh leaf; the graph is cut at every projection input. Backward walks the pieces in reverse and
 * carries the gradient across each cut by hand:
 *
 * <pre>
 *   x ─rms─► n1 ┆ q,k,v = base(n1)+lora(n1) ─attend─► a ┆ o = base(a)+lora(a); h = x + o ┆
 *     h ─rms─► n2 ┆ g,u = base(n2)+lora(n2) ─silu(g)*u─► m ┆ y = h + base(m)+lora(m)
 *   (Llama; Gemma 2 normalises o and the MLP's output before adding them, so those outputs are kept)
 *
 *   ┆ a cut: the piece's root r is detached into a leaf r'; in backward
 *       dL/dr = r'.grad (the adapters' and later pieces' share, from autograd)
 *             + sum over base projections P fed by r' of  dL/dP(r') W_P     (W_P dequantized again)
 * </pre>
 *
 * Kept: what plain autograd saves, plus each piece's root (n1, a, n2, m) and the q, k, v, gate and
 * up outputs, whose gradients are read (o and down add into the residual stream, so their gradient is
 * the sum's and no output is held); never a dequantized weight beyond the one in use. The adapters
 * (A, B) stay inside the graph and get their gradients from the same backward calls. Gradients equal
 * those of the plain recorded layer (a test pins it).
 */
final class LayerTape implements LayerOps, AutoCloseable {

    /**
     * A frozen projection fed by a cut leaf. Its output gradient is either collected by the output
     * itself as a leaf, or, for a projection added straight into the residual stream, the upstream
     * gradient of the piece whose root is that sum (the identity Jacobian: no leaf to hold).
     */
    private record Projection(LinearLayer base, NDArray output, Piece residual) {

        NDArray gradient() {
            return residual != null ? residual.upstream : output.getGradient();
        }
    }

    /** A recorded piece of the layer: its root, the leaf it is cut into, and what reads that leaf. */
    private static final class Piece {
        NDArray root;
        NDArray cut;
        boolean cutRecorded; // the cut leaf is read by a recorded op (else its gradient stays undefined)
        NDArray upstream; // dL/d(root), set during backward
        final List<Projection> projections = new ArrayList<>();
    }

    private final NDManager scope;
    private final LinearModules linears;
    private final NDArray input; // the layer input x as a leaf [B, T, D]
    private final List<Piece> pieces = new ArrayList<>();
    private Piece open = new Piece();
    private NDArray output; // the layer output y (detached) [B, T, D]

    private LayerTape(NDManager scope, LinearModules linears, NDArray input) {
        this.scope = scope;
        this.linears = linears;
        this.input = input;
    }

    /**
     * Records {@code layer} on input {@code x} [B, T, D] (x itself is not modified or attached; the
     * tape works on a leaf alias of it). The tape's memory lives in a sub-manager of {@code parent}
     * until {@link #close()}. With {@code cutProjections=false} the layer is recorded whole (one
     * piece): gradient checkpointing does so (one layer's weights in a graph at a time is fine and
     * saves the second dequantization), and trainable base weights (full fine-tuning) need it, as the
     * cuts would bypass their gradients.
     */
    static LayerTape record(
            LlamaModel model,
            DecoderLayer layer,
            NDArray x,
            LayerContext ctx,
            boolean cutProjections,
            NDManager parent) {
        NDManager scope = parent.newSubManager();
        // every op's result lands in `work` (the manager of its first operand); only what backward needs
        // moves to `scope`: intermediates autograd saved stay alive through their native references
        try (Autograd.Recording r = Autograd.record();
                NDManager work = scope.newSubManager()) {
            LayerTape tape = new LayerTape(scope, model.linears(), leaf(x, work));
            LayerOps ops = cutProjections ? tape : model.directOps();
            tape.finish(layer.forward(tape.input, ctx, ops)); // [B, T, D]
            tape.keep();
            return tape;
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** A projection input becomes a cut; its leaf is recorded only if an adapter reads it. */
    @Override
    public NDArray projectionInput(NDArray x) {
        return cut(x);
    }

    /** The residual stream becomes a cut whose leaf feeds recorded operations (a norm, the next sum). */
    @Override
    public NDArray residual(NDArray h) {
        NDArray leaf = cut(h);
        last().cutRecorded = true;
        return leaf;
    }

    /** Ends the last piece at the layer output y [B, T, D]. */
    private void finish(NDArray y) {
        open.root = y;
        pieces.add(open);
        open = null;
        output = y.stopGradient();
    }

    /** Moves what backward reads from the work manager into the tape's scope. */
    private void keep() {
        input.attach(scope);
        output.attach(scope);
        for (Piece piece : pieces) {
            piece.root.attach(scope);
            if (piece.cut != null) {
                piece.cut.attach(scope);
            }
            for (Projection proj : piece.projections) {
                if (proj.output() != null) {
                    proj.output().attach(scope);
                }
            }
        }
    }

    /** The layer output [B, T, D], valid until {@link #close()}. */
    NDArray output() {
        return output;
    }

    /**
     * Back-propagates dL/dy [B, T, D] through the layer: the adapters' gradients accumulate into their
     * leaves; returns dL/dx [B, T, D] attached to {@code target}.
     */
    NDArray backward(NDArray dy, NDManager target) {
        try (Autograd.Recording r = Autograd.pause()) {
            for (int i = pieces.size() - 1; i >= 0; i--) {
                Piece piece = pieces.get(i);
                piece.upstream = piece.cut == null ? dy : acrossCut(piece); // kept for residual projections
                Autograd.backward(piece.root, piece.upstream);
            }
            NDArray dx = input.getGradient(); // [B, T, D]
            dx.attach(target);
            return dx;
        }
    }

    /** dL/d(root) = root'.grad + sum_P dL/dP W_P, in this tape's scope. */
    private NDArray acrossCut(Piece piece) {
        NDArray sum = piece.cutRecorded ? piece.cut.getGradient() : null; // [..., in]
        for (Projection proj : piece.projections) {
            try (NDManager tmp = scope.newSubManager()) {
                NDArray dOut = proj.gradient(); // [..., out]
                if (proj.residual() == null) {
                    dOut.attach(tmp);
                }
                NDArray w = weight(proj.base(), tmp); // [out, in]
                NDArray dIn = dOut.matMul(w); // [..., in]
                dIn.attach(tmp);
                NDArray next = sum == null ? dIn : sum.add(dIn);
                next.attach(scope);
                if (sum != null) {
                    sum.close();
                }
                sum = next;
            }
        }
        if (sum == null) {
            throw new IllegalStateException("a cut with neither recorded readers nor projections");
        }
        return sum;
    }

    private static NDArray weight(LinearLayer base, NDManager tmp) {
        if (base instanceof Nf4Linear nf4) {
            return nf4.dequantize(tmp);
        }
        return ((Linear) base).widened(tmp, DataType.FLOAT32); // fp16 base on a GPU: an fp32 copy in tmp
    }

    /** True when every projection's base is frozen NF4 or a dense weight without gradient (cuts are exact). */
    static boolean canCut(Iterable<LinearLayer> projections) {
        for (LinearLayer layer : projections) {
            LinearLayer base = ModelMemory.unwrap(layer);
            boolean frozen = base instanceof Nf4Linear
                    || (base instanceof Linear dense && !dense.weight().hasGradient());
            if (!frozen) {
                return false;
            }
        }
        return true;
    }

    /** Ends the open piece at {@code root} and returns its cut leaf. */
    private NDArray cut(NDArray root) {
        open.root = root;
        open.cut = leaf(root, root.getManager());
        pieces.add(open);
        open = new Piece();
        return last().cut;
    }

    /**
     * base(x') + lora(x') for the cut leaf x' of the last piece; base kept out of the graph. A result
     * going {@link Output#INTO_RESIDUAL} is added by the layer straight into the residual stream, at the
     * root of the open piece.
     */
    @Override
    public NDArray project(String name, NDArray in, Output output) {
        boolean intoResidual = output == Output.INTO_RESIDUAL;
        Piece fed = pieces.isEmpty() ? null : last();
        if (fed == null || fed.cut != in) {
            throw new IllegalStateException("projection " + name + " does not read the last cut: the layer must"
                    + " mark every projection input (LayerOps.projectionInput)");
        }
        LinearLayer layer = linears.get(name);
        LoraLinear lora = layer instanceof LoraLinear adapted ? adapted : null;
        LinearLayer base = ModelMemory.unwrap(layer);
        NDArray detached = in.stopGradient(); // in the work manager, like every result below
        NDArray out = base.forward(detached); // [..., out], nothing recorded: no input needs a gradient
        if (intoResidual) {
            fed.projections.add(new Projection(base, null, open));
        } else {
            out.setRequiresGradient(true);
            fed.projections.add(new Projection(base, out, null));
        }
        if (lora == null) {
            return out;
        }
        fed.cutRecorded = true;
        return out.add(lora.delta(in)); // [..., out]
    }

    private Piece last() {
        return pieces.get(pieces.size() - 1);
    }

    private static NDArray leaf(NDArray value, NDManager manager) {
        NDArray leaf = value.stopGradient(); // an alias without history
        leaf.attach(manager);
        leaf.setRequiresGradient(true);
        return leaf;
    }

    @Override
    public void close() {
        scope.close();
    }
}
