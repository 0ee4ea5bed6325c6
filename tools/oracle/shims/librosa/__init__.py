"""Stand-in for librosa: audioldm_eval/audio/tools.py (imported by eval.py) imports its STFT helpers,
which only the switched-off PSNR/SSIM/LSD metrics use."""
