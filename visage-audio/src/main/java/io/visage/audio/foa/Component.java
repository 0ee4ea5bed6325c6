package io.visage.audio.foa;

/** The four first-order components: omnidirectional W and the figure-of-eight X (front), Y (left), Z (up). */
public enum Component {
    W,
    X,
    Y,
    Z
}
