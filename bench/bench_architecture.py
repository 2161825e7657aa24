"""architecture: ResNet-50 as a spec against torchinfo, and start-up of a small spec.

Issue 11's targets, measured in this run (interleaved, medians):
- `examsolve run problems/7f-architecture-resnet50.yaml --format json` ≤ 0.5 s, shown beside
  `python -c "import numpy"` timed in the same run;
- its wall time ÷ that of torchinfo summarising ResNet-50 on a (1, 3, 224, 224) input, target
  ≤ 0.5. The issue's contender imports torchvision for resnet50(); torchvision's wheels do not
  load beside the torch 2.13 CPU build these machines carry (its C ops are missing), so the
  contender builds the same ResNet-50 from torch.nn modules (the bottleneck block below,
  25,557,032 parameters, as torchvision's) and runs torchinfo.summary on it — the same
  construction and forward pass torchvision's model would cost;
- start-up of a small spec (problems/7-architecture-cnn.yaml) ÷ `python -c "import numpy"`,
  target ≤ 2.0.
"""

from __future__ import annotations

import sys

from common import EXAMSOLVE, ROOT, median_ratio

RESNET50_TORCHINFO = """
import torch, torchinfo
from torch import nn

class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        out = 4 * width
        self.body = nn.Sequential(
            nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, out, 1, bias=False), nn.BatchNorm2d(out))
        self.short = nn.Sequential() if stride == 1 and cin == out else nn.Sequential(
            nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))
    def forward(self, x):
        return torch.relu(self.body(x) + self.short(x))

layers, cin = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
               nn.MaxPool2d(3, 2, 1)], 64
for width, n, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
    for i in range(n):
        layers.append(Bottleneck(cin, width, stride if i == 0 else 1))
        cin = 4 * width
model = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000))
assert sum(p.numel() for p in model.parameters()) == 25_557_032
torchinfo.summary(model, (1, 3, 224, 224), verbose=0)
"""


def main() -> None:
    resnet = str(ROOT / "problems" / "7f-architecture-resnet50.yaml")
    ours = [EXAMSOLVE, "run", resnet, "--format", "json"]
    numpy = [sys.executable, "-c", "import numpy"]
    ma, mb, _ = median_ratio(ours, numpy, repeats=5)
    print(f"ResNet-50 spec, run --format json: {ma:.2f} s (target <= 0.5 s) "
          f"{'ok' if ma <= 0.5 else 'OVER TARGET'}; import numpy {mb:.2f} s in the same run")
    ma, mt, ratio = median_ratio(ours, [sys.executable, "-c", RESNET50_TORCHINFO], repeats=3)
    print(f"ResNet-50: examsolve {ma:.2f} s vs torch.nn + torchinfo.summary {mt:.2f} s = "
          f"{ratio:.2f}x (target <= 0.5x) {'ok' if ratio <= 0.5 else 'OVER TARGET'}")
    small = str(ROOT / "problems" / "7-architecture-cnn.yaml")
    ms, mn, ratio = median_ratio([EXAMSOLVE, "run", small, "--format", "json"], numpy)
    print(f"start-up 7-architecture-cnn.yaml: {ms * 1000:.0f} ms vs import numpy "
          f"{mn * 1000:.0f} ms = {ratio:.2f}x (target <= 2.0x) {'ok' if ratio <= 2.0 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
