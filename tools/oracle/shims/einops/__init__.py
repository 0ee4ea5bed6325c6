"""Stand-in for `einops.rearrange` (written for this generator): axis permutation plus grouping /
ungrouping of named axes, e.g. "b d t -> (b t) d" and "(b t) -> b t" with b=... .  This covers the
patterns used by the DAC quantizer; anything else raises."""
import math


def _parse(side):
    groups, cur, depth = [], None, 0
    for tok in side.replace("(", " ( ").replace(")", " ) ").split():
        if tok == "(":
            if depth:
                raise ValueError("nested groups are not supported")
            cur, depth = [], 1
        elif tok == ")":
            groups.append(cur)
            cur, depth = None, 0
        elif depth:
            cur.append(tok)
        else:
            groups.append([tok])
    return groups


def rearrange(tensor, pattern, **sizes):
    left, right = (s.strip() for s in pattern.split("->"))
    lg, rg = _parse(left), _parse(right)
    if len(lg) != tensor.dim():
        raise ValueError(f"pattern {pattern!r} does not match a tensor of rank {tensor.dim()}")
    known = dict(sizes)
    for group, dim in zip(lg, tensor.shape):
        unknown = [a for a in group if a not in known]
        prod = math.prod(known[a] for a in group if a in known)
        if len(unknown) > 1:
            raise ValueError(f"cannot infer axes {unknown} in {pattern!r}")
        if unknown:
            known[unknown[0]] = dim // prod
    left_axes = [a for g in lg for a in g]
    right_axes = [a for g in rg for a in g]
    if sorted(left_axes) != sorted(right_axes):
        raise ValueError(f"axes differ between the sides of {pattern!r}")
    x = tensor.reshape([known[a] for a in left_axes])
    x = x.permute([left_axes.index(a) for a in right_axes])
    return x.reshape([math.prod(known[a] for a in g) for g in rg])
