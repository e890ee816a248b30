"""A complete PyTorch training loop over a Mini ETL dataset with the Python reader.

    python examples/python/train_loop.py --dataset s3://my-bucket/articles [--steps 20]
        [--batch-size 16] [--workers 2] [--checkpoint /tmp/minietl-ckpt.pt]

What it shows: the reader as a DataLoader (rank and world size from torch.distributed when it is
initialised, else one rank), a tokenizer built locally from the data (there is no model hub here:
a `tokenizers` WordLevel model trained on `content`), a tiny model trained for a few steps on CPU
(predicting log(word_count) from the bag of tokens: a real objective with a known answer), a
checkpoint that stores the loader's state beside the model's, and a resume from it that continues
with exactly the next batch. CI runs it on the shared fixture dataset (training-reader-py tests).
"""

from __future__ import annotations

import argparse
import math
import os

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from minietl import Dataset, run_id_from_environment


def build_tokenizer(ds: Dataset, vocab: int) -> Tokenizer:
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(vocab_size=vocab, special_tokens=["[UNK]"])
    texts = (t for b in ds.batches(batch_size=256, columns=("content",)) for t in b.data.column("content").to_pylist())
    tok.train_from_iterator(texts, trainer)
    return tok


class BagModel(torch.nn.Module):
    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.embed = torch.nn.EmbeddingBag(vocab, 16, mode="sum")
        self.out = torch.nn.Linear(16, 1)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.out(self.embed(ids, offsets)).squeeze(-1)


def encode(tok: Tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    encs = tok.encode_batch(texts)
    lengths = [len(e.ids) for e in encs]
    offsets = torch.tensor([0] + lengths[:-1]).cumsum(0)
    return torch.tensor([i for e in encs for i in e.ids], dtype=torch.long), offsets


def train(args: argparse.Namespace, ds: Dataset, tok: Tokenizer, resume: dict | None) -> dict:
    model = BagModel(tok.get_vocab_size())
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = ds.torch(batch_size=args.batch_size, columns=("article_id", "content", "word_count"),
                      seed=args.seed, epoch=0, num_workers=args.workers)
    step = 0
    if resume is not None:
        model.load_state_dict(resume["model"])
        opt.load_state_dict(resume["optimizer"])
        loader.load_state_dict(resume["loader"])
        step = resume["step"]
    seen = []
    for batch in loader:
        ids, offsets = encode(tok, batch["content"])
        target = torch.log1p(batch["word_count"].float())
        weight = (~batch["padding"]).float()  # padding rows repeat others: do not count them twice
        loss = (weight * (model(ids, offsets) - target) ** 2).sum() / weight.sum().clamp(min=1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        seen.append(batch["article_id"])
        print(f"step {step} loss {loss.item():.4f} position {loader.state_dict()['position']}", flush=True)
        if step == args.stop_at:
            break
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "loader": loader.state_dict(),
             "step": step, "seen": seen}
    return state


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", required=True)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--steps", type=int, default=20, help="steps before the simulated restart")
    p.add_argument("--vocab", type=int, default=2000)
    p.add_argument("--checkpoint", default="/tmp/minietl-train-loop.pt")
    args = p.parse_args()

    run_id = run_id_from_environment()  # the entry point reads the environment, not the library
    ds = Dataset.open(args.dataset, run_id=run_id, agree="pin" if run_id else None)
    print(f"dataset {ds.location} version {ds.version}: {ds.num_rows} rows", flush=True)
    tok = build_tokenizer(ds, args.vocab)

    args.stop_at = args.steps
    first = train(args, ds, tok, None)
    torch.save(first, args.checkpoint)  # what a trainer saves: model, optimizer, loader position
    print(f"checkpoint after step {first['step']}: {first['loader']['position']}", flush=True)

    args.stop_at = -1  # the restarted trainer runs to the end of the epoch
    second = train(args, ds, tok, torch.load(args.checkpoint, weights_only=False))
    rows = [i for b in first["seen"] + second["seen"] for i in b]
    expected = sum(1 for b in ds.batches(batch_size=args.batch_size, seed=args.seed, columns=("article_id",))
                   for _ in b.data.column("article_id"))
    assert len(rows) == expected, (len(rows), expected)
    print(f"epoch done: {second['step']} steps, {len(set(rows))} distinct rows of {ds.num_rows}", flush=True)
    os.remove(args.checkpoint)
    ds.close()


if __name__ == "__main__":
    main()
