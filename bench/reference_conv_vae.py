"""The convolutional VAE of the model issue trained in PyTorch, to see what the reference itself
reaches: conv 32-64 (4×4, stride 2), latent 16, no extra fully connected layer, Bernoulli
likelihood on MNIST in [0, 1], Adam 1e-3, batch 128, 3 epochs; test −ELBO (one posterior sample
per image, all 10,000 test images) for several seeds, with the encoder's scale head read as
log σ (as Latent's GaussianEncoder) or as log σ² (the usual PyTorch example).

    bench/.venv/bin/python bench/reference_conv_vae.py --data ../shared/data/mnist --seeds 0 1 2
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from pytorch_workloads import ConvVAE, read_idx, mnist_train, kl_standard_normal  # noqa: E402


def mnist_test(directory):
    images = read_idx(os.path.join(directory, "t10k-images-idx3-ubyte.gz"))
    return torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)


def negative_elbo(model, x, log_variance):
    h = model.encoder(x)
    mu, raw = h[:, :model.latent], h[:, model.latent:]
    log_scale = 0.5 * raw if log_variance else torch.tanh(raw / 8) * 8
    z = mu + torch.exp(log_scale) * torch.randn_like(mu)
    reconstruction = F.binary_cross_entropy_with_logits(model.decoder(z), x, reduction="none").sum((1, 2, 3))
    return reconstruction + kl_standard_normal(mu, log_scale)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train, _ = mnist_train(args.data)
    test = mnist_test(args.data)
    for log_variance in (False, True):
        for seed in args.seeds:
            torch.manual_seed(seed)
            model = ConvVAE()
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            start = time.time()
            for _ in range(args.epochs):
                for batch in torch.randperm(train.shape[0]).split(128):
                    loss = negative_elbo(model, train[batch], log_variance).mean()
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
            with torch.no_grad():
                value = torch.cat([negative_elbo(model, x, log_variance) for x in test.split(500)]).mean().item()
            head = "log sigma^2" if log_variance else "log sigma"
            print(f"conv VAE, {args.epochs} epochs, head {head}, seed {seed}: test -ELBO {value:.2f} ({time.time() - start:.0f} s)",
                  flush=True)


if __name__ == "__main__":
    main()
