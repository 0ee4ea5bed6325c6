"""Stand-in for scikit-image: audioldm_eval/eval.py imports PSNR/SSIM, which the ViSAGe evaluation
switches off (calculate_psnr_ssim=False)."""
