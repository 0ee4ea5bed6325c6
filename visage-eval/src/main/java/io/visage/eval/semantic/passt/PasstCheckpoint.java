package io.visage.eval.semantic.passt;

import io.visage.nn.CheckpointFormatException;
import io.visage.nn.io.TensorSource;
import java.util.Set;

/**
 * The key layouts a PaSST checkpoint may come in. All hold the network's {@code state_dict()}
 * names ({@code cls_token}, {@code blocks.3.attn.qkv.weight}, ...), possibly under a prefix:
 * <ul>
 *   <li>{@link Layout#NETWORK}: no prefix, as the released
 *       {@code passt-s-f128-p16-s10-ap.476-swa.pt} holds it;</li>
 *   <li>{@link Layout#WRAPPER}: {@code PasstBasicWrapper.state_dict()}, the network under
 *       {@code net.}, plus the wrapper's own {@code device_proxy} (ignored by name; the mel front
 *       end's buffers are not persistent);</li>
 *   <li>{@link Layout#MODEL_ENTRY}: a {@code torch.save({"model": state_dict})} file (the DeiT
 *       container hear21passt's {@code checkpoint_filter_fn} unwraps); {@link
 *       io.visage.nn.io.TorchCheckpoint} flattens nested dicts with dots, so its tensors read as
 *       {@code model.cls_token}, ...; non-tensor entries next to {@code model} become metadata.</li>
 * </ul>
 */
public final class PasstCheckpoint {
    /** The file {@code get_model_passt(arch="passt_s_swa_p16_128_ap476")} downloads. */
    public static final String RELEASED_FILE = "passt-s-f128-p16-s10-ap.476-swa.pt";

    /** How the network's names sit in a file. */
    public enum Layout {
        NETWORK(""),
        WRAPPER("net."),
        MODEL_ENTRY("model.");

        private final String prefix;

        Layout(String prefix) {
            this.prefix = prefix;
        }

        /** Prepended to every network key in such a file. */
        public String prefix() {
            return prefix;
        }

        /** Keys such a file may hold that the network does not use. */
        public Set<String> ignoredKeys() {
            return this == WRAPPER ? Set.of("device_proxy") : Set.of();
        }
    }

    private PasstCheckpoint() {}

    /**
     * Recognises the layout by where {@code cls_token} is.
     *
     * @throws CheckpointFormatException naming the file when no layout fits
     */
    public static Layout layout(TensorSource source) {
        for (Layout l : Layout.values()) {
            if (source.contains(l.prefix() + "cls_token")) {
                return l;
            }
        }
        throw new CheckpointFormatException(
                source.path(),
                "not a PaSST checkpoint: none of 'cls_token' (network state dict), 'net.cls_token'"
                        + " (PasstBasicWrapper) or 'model.cls_token' ({\"model\": state_dict}) found among its "
                        + source.tensors().size() + " tensors");
    }
}
