/** Training items (clip windowing, targets) and the classifier-free-guidance dropout. */
package io.visage.core.train;
