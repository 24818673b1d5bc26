"""Train on a Verso snapshot, record the run, explain a misclassified prediction: Fashion-MNIST.

    /usr/bin/python3 examples/fashion-mnist/fashion_mnist.py [--train 4000] [--test 1000] [--flip 0.1] [--keep DIR]

Needs Debian's ``dataset-fashion-mnist`` (IDX files under /usr/share/datasets/fashion-mnist),
torch, numpy and Pillow. What it does, all through the Python client:

1. a new repository (``verso init``), served for the session (``verso.open``);
2. the training images added as assets (PNG, ``repo.add_images``);
3. their labels imported with annotators, annotation times and reviews; one annotator,
   ``ann_hasty``, labels many of their shirts as T-shirts (wrong on purpose), and the reviews
   do not catch it;
4. a tag ``fmnist-v1``; a training run on it (``repo.run``), the model trained on
   ``run.examples`` in the run's order (images read through ``VersoDataset``);
5. a last-layer gradient vector per training example (``run.add_vectors``, numpy), the model
   registered, every test prediction recorded with its gradient (``record_predictions``);
6. a misclassified test prediction explained (``repo.explain(..., top=50)``): its top-50 are
   enriched in the wrong labels compared with their base rate, and name who labeled and
   reviewed them, and when;
7. label-error hunting (``repo.suspects(run, top=50)``): the training examples with the highest
   self-influence (squared norm of their gradient), compared with the explain top-50.

With ``--flip P`` the wrong labels are not ann_hasty's shirts: a fraction P of the training labels,
drawn uniformly at random (seed 1), are flipped to another class drawn uniformly (the example
records which); the output then gives the share of flipped labels in the suspects' top 50 and in
the top 50 of the first misclassified test prediction's explain.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "python"))

import verso  # noqa: E402
from verso.local import verso_command  # noqa: E402
from verso.torch import VersoDataset  # noqa: E402

DATA = Path("/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SHIRT, TSHIRT = 6, 0
ANNOTATORS = ["ann_ada", "ann_bo", "ann_cy", "ann_hasty"]


def idx(name: str) -> np.ndarray:
    with gzip.open(DATA / name) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(out, "PNG")
    return out.getvalue()


FLIP_SEED = 1


def flipped_labels(truth: np.ndarray, fraction: float) -> dict:
    """A ``fraction`` of the indexes, uniformly at random (seed FLIP_SEED), each mapped to another
    class drawn uniformly from the nine others."""
    rng = np.random.default_rng(FLIP_SEED)
    chosen = rng.choice(len(truth), size=round(fraction * len(truth)), replace=False)
    return {int(i): (int(truth[i]) + int(rng.integers(1, 10))) % 10 for i in sorted(chosen.tolist())}


def labels_of(truth: np.ndarray, rng: np.random.Generator, flip: float = 0.0) -> tuple:
    """Label records with annotators, times and reviews. Without ``flip``, ann_hasty calls 60% of
    shirts T-shirts; with it, the ``flipped_labels`` instead."""
    records, wrong = [], set()
    flips = flipped_labels(truth, flip) if flip > 0 else {}
    for i, y in enumerate(truth.tolist()):
        image = f"train-{i:05d}"
        annotator = ANNOTATORS[int(rng.integers(0, len(ANNOTATORS)))]
        given = flips.get(i, y)
        hasty = annotator == "ann_hasty" and y == SHIRT and rng.random() < 0.6
        if hasty and flip == 0:
            given = TSHIRT
        if given != y:
            wrong.add(image)
        day = int(rng.integers(1, 28))
        record = {"image": image, "label": "1", "category": CLASSES[given], "category_id": given,
                  "bbox": [0, 0, 28, 28], "annotator": annotator,
                  "annotated_at": f"2026-0{1 + i % 6}-{day:02d}T10:00:00Z"}
        if rng.random() < 0.8:
            record["review"] = {"status": "approved", "reviewer": ["rev_kim", "rev_lee"][i % 2],
                                "reviewed_at": f"2026-0{1 + i % 6}-{min(day + 2, 28):02d}T15:00:00Z"}
        records.append(record)
    return records, wrong


class Net(nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU())
        self.head = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> tuple:
        h = self.body(x)
        return self.head(h), h


def last_layer_gradients(model: Net, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """Per-example gradient of the cross-entropy w.r.t. the head's weights: (p - onehot) x h."""
    with torch.no_grad():
        logits, h = model(x)
        g = torch.softmax(logits, 1) - nn.functional.one_hot(y, 10).float()
        return (g[:, :, None] * h[:, None, :]).reshape(len(x), -1).numpy().astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=int, default=4000)
    ap.add_argument("--test", type=int, default=1000)
    ap.add_argument("--flip", type=float, default=0.0,
                    help="flip this fraction of the training labels to another class (seed 1)")
    ap.add_argument("--keep", help="build the repository in DIR and keep it")
    args = ap.parse_args()
    if args.keep:
        run_example(args.train, args.test, args.keep, args.flip)
    else:
        with tempfile.TemporaryDirectory(prefix="verso-fmnist-") as workdir:
            run_example(args.train, args.test, workdir, args.flip)


def run_example(train: int, test: int, workdir: str, flip: float = 0.0) -> dict:
    """The whole flow in ``workdir``; prints its story and returns its numbers."""
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    train_x, train_y = idx("train-images-idx3-ubyte.gz")[:train], idx("train-labels-idx1-ubyte.gz")[:train]
    test_x, test_y = idx("t10k-images-idx3-ubyte.gz")[:test], idx("t10k-labels-idx1-ubyte.gz")[:test]
    repo_dir = os.path.join(workdir, "fmnist")
    subprocess.run([*verso_command(), "init", repo_dir], check=True, capture_output=True)
    t0 = time.perf_counter()
    with verso.open(repo_dir) as repo:
        images = {f"train-{i:05d}": png(p) for i, p in enumerate(train_x)}
        keys = list(images)
        for start in range(0, len(keys), 1000):
            repo.add_images("main", {k: images[k] for k in keys[start:start + 1000]}, message="Fashion-MNIST images")
        records, wrong = labels_of(train_y, rng, flip)
        repo.import_labels("main", records, message="labels from the annotation vendor")
        repo.create_tag("fmnist-v1", "main")
        how = f"{flip:.0%} flipped at random" if flip > 0 else "all by ann_hasty"
        print(f"repository: {repo.count('fmnist-v1')} labels on {len(images)} images, tag fmnist-v1 "
              f"({time.perf_counter() - t0:.1f} s); {len(wrong)} wrong labels, {how}")

        with repo.run(dataset="fmnist-v1", params={"model": "mlp-64", "epochs": 8, "lr": 0.003}) as run:
            data = VersoDataset(repo, run=run, target="classification", classes=CLASSES,
                                transform=lambda image: image[:1])  # grey: one channel of three
            x = torch.stack([data[i][0] for i in range(len(data))])
            y = torch.stack([data[i][1] for i in range(len(data))])
            ids = [labels[0].key for _, labels in data.items]
            model = Net()
            opt = torch.optim.Adam(model.parameters(), lr=0.003)
            for _ in range(8):
                for batch in torch.randperm(len(x)).split(64):
                    opt.zero_grad()
                    nn.functional.cross_entropy(model(x[batch])[0], y[batch]).backward()
                    opt.step()
            run.add_vectors(ids, last_layer_gradients(model, x, y))
            weights = os.path.join(workdir, "mlp.pt")
            torch.save(model.state_dict(), weights)
            tx = torch.from_numpy(test_x.copy()).float().div_(255.0)[:, None]
            with torch.no_grad():
                predicted = model(tx)[0].argmax(1)
            accuracy = float((predicted == torch.from_numpy(test_y.astype(np.int64))).float().mean())
            registered = run.register_model("fmnist-mlp", weights, metrics={"test_accuracy": round(accuracy, 4)})
        print(f"run {run.id}: {run.info.example_count} examples (set {run.info.example_set[:12]}), "
              f"model {registered.name}@{registered.version}, test accuracy {accuracy:.3f}")

        vectors = last_layer_gradients(model, tx, predicted)
        pids = registered.record_predictions(
            {"image": f"test-{i:05d}", "output": {"class": CLASSES[int(p)]}, "id": f"serve-{i}", "vector": vectors[i]}
            for i, p in enumerate(predicted.tolist()))
        shirts_as_tshirts = [i for i, (p, t) in enumerate(zip(predicted.tolist(), test_y.tolist())) if t == SHIRT and p == TSHIRT]
        misclassified = [i for i, (p, t) in enumerate(zip(predicted.tolist(), test_y.tolist())) if p != t]
        chosen = misclassified[0] if flip > 0 else (shirts_as_tshirts or misclassified)[0]
        why = repo.explain(pids[chosen], top=50)
        top_wrong = sum(1 for e in why.examples if e.image in wrong)
        base = len(wrong) / len(records)
        print(f"\nprediction {pids[chosen]} (serving id serve-{chosen}): a {CLASSES[int(test_y[chosen])]} "
              f"predicted {CLASSES[int(predicted[chosen])]}; {len(pids)} predictions recorded")
        print(f"top-50 training examples: {top_wrong} wrong labels ({top_wrong / 50:.0%}) against a base rate "
              f"of {base:.1%} ({len(wrong)} of {len(records)}): {top_wrong / 50 / base:.1f}x enriched")
        print(f"{'score':>8}  {'example':<14} {'label':<12} {'annotator':<10} {'annotated':<10} {'reviewer':<8} reviewed")
        for e in why.examples[:8]:
            print(f"{e.score:8.3f}  {e.image:<14} {e.category or '':<12} {e.annotator or '':<10} "
                  f"{(e.annotated_at or '')[:10]:<10} {e.reviewer or '-':<8} {(e.reviewed_at or '-')[:10]}"
                  f"{'  <- wrong' if e.image in wrong else ''}")
        suspects = repo.suspects(run, top=50, by="annotator")
        suspects_wrong = sum(1 for e in suspects.examples if e.image in wrong)
        print(f"\nsuspects (top 50 by self-influence): {suspects_wrong} wrong labels ({suspects_wrong / 50:.0%}), "
              f"explain's top 50: {top_wrong} ({top_wrong / 50:.0%}); base rate {base:.1%}")
        for e in suspects.examples[:5]:
            print(f"{e.self_influence:8.3f}  {e.image:<14} {e.category or '':<12} {e.annotator or '':<10} "
                  f"{e.review_status or '-':<9} {e.reviewer or '-':<8}{'  <- wrong' if e.image in wrong else ''}")
        for a in suspects.annotators or []:
            print(f"  {a.annotator or '-':<10} {a.examples:>6} examples, mean self-influence {a.mean_self_influence:.3f}, "
                  f"{a.in_top} in the top 50 ({a.share:.0%})")
        up = repo.lineage_up(pids[chosen])
        print(f"\nlineage: {pids[chosen]} <- model {up.model.name}@{up.model.version} <- run {up.run.id} "  # type: ignore[union-attr]
              f"<- commit {up.commit['id'][:12]} (fmnist-v1); annotators {', '.join(up.examples['annotators'])}")  # type: ignore[index]
    print(f"\n({time.perf_counter() - t0:.1f} s)")
    return {"accuracy": accuracy, "top_wrong": top_wrong, "base_rate": base, "wrong": len(wrong),
            "true": CLASSES[int(test_y[chosen])], "predicted": CLASSES[int(predicted[chosen])],
            "top": why.examples, "explain": why, "prediction": pids[chosen],
            "suspects": suspects, "suspects_wrong": suspects_wrong, "run": run.id}


if __name__ == "__main__":
    main()
