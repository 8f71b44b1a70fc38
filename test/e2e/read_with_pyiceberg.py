"""Reads Iceberg tables with PyIceberg, the reference Python implementation.

Usage: python3 read_with_pyiceberg.py METADATA_URI [METADATA_URI ...]
Prints one JSON object per table: {"rows": [...], "schema": [...], "snapshots": n}.
"""
import json
import sys

from pyiceberg.table import StaticTable


def main() -> None:
    out = []
    for location in sys.argv[1:]:
        table = StaticTable.from_metadata(location)
        arrow = table.scan().to_arrow()
        out.append(
            {
                "location": location,
                "schema": [f.name for f in table.schema().fields],
                "field_ids": [f.field_id for f in table.schema().fields],
                "snapshots": len(table.metadata.snapshots),
                "partition_fields": [str(f.transform) for f in table.spec().fields],
                "rows": arrow.to_pylist(),
            }
        )
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
