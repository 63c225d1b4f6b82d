#!/usr/bin/python3
"""Writes the tiny TorchScript denoiser that tests segline's `--model torchscript:DIR` loader.

Run with Debian's python3-torch (apt install python3-torch), from the repository root:

    /usr/bin/python3 tools/make-torchscript-fixture.py src/test/resources/torchscript-fixture

The module follows the contract documented in TorchScriptDenoiser:
forward(image (B,3,H,W) float in [0,1], x_t (B,K,H/2,W/2), t (B) as t/T, tokens (B,L) int64)
-> x0 logits (B,K,H,W). Its weights come from a fixed seed. Besides denoiser.pt and model.json it
writes expected.json: the module's output for an input defined by a formula the Java test repeats.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

WIDTH, HEIGHT, CLASSES, TOKENS, VOCABULARY = 32, 40, 5, 8, 64


class TinyDenoiser(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.image = torch.nn.Conv2d(3, CLASSES, 3, padding=1)
        self.mask = torch.nn.Conv2d(CLASSES, CLASSES, 1)
        self.words = torch.nn.Embedding(VOCABULARY, CLASSES)
        self.time = torch.nn.Linear(1, CLASSES)

    def forward(self, image, x_t, t, tokens):
        mask = F.interpolate(self.mask(x_t), scale_factor=2.0, mode="nearest")
        valid = (tokens != 0).float().unsqueeze(2)
        text = (self.words(tokens) * valid).sum(1) / valid.sum(1).clamp(min=1.0)
        bias = (text + self.time(t.unsqueeze(1))).unsqueeze(2).unsqueeze(3)
        return self.image(image) + mask + bias


def fixture_input(batch):
    """The same formula as TorchScriptDenoiserTest.input(...)."""
    image = torch.zeros(batch, 3, HEIGHT, WIDTH)
    x_t = torch.zeros(batch, CLASSES, HEIGHT // 2, WIDTH // 2)
    for b in range(batch):
        for c in range(3):
            for y in range(HEIGHT):
                for x in range(WIDTH):
                    image[b, c, y, x] = ((b * 7 + c * 3 + y * 5 + x) % 17) / 16.0
        for c in range(CLASSES):
            for y in range(HEIGHT // 2):
                for x in range(WIDTH // 2):
                    x_t[b, c, y, x] = ((b + c * 5 + y * 3 + x * 2) % 11) / 5.0 - 1.0
    t = torch.tensor([0.25 + 0.5 * b for b in range(batch)])
    tokens = torch.tensor([[1, 5 + b, 9, 0, 0, 0, 0, 0] for b in range(batch)], dtype=torch.int64)
    return image, x_t, t, tokens


def main(out):
    torch.manual_seed(7)
    module = TinyDenoiser().eval()
    os.makedirs(out, exist_ok=True)
    example = fixture_input(2)
    traced = torch.jit.trace(module, example)
    traced.save(os.path.join(out, "denoiser.pt"))
    with torch.no_grad():
        logits = traced(*example)
    description = {
        "name": "tiny-torchscript", "version": "1", "inputWidth": WIDTH, "inputHeight": HEIGHT, "classes": CLASSES,
        "vocabulary": VOCABULARY, "maxTokens": TOKENS, "width": 8, "textDim": 8, "symmetry": False,
        "timesteps": 1000, "samplingSteps": 2, "samples": 1,
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(description, f, indent=2)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"batch": 2, "torch": torch.__version__, "logits": [round(v, 6) for v in logits.flatten().tolist()]}, f)
    print("wrote", out, "logits", tuple(logits.shape))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/torchscript-fixture")
