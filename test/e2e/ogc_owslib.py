"""OWSLib against the portal's WFS (run with Debian's /usr/bin/python3): prints one JSON report.
GetFeature is read both with GET (KVP) and with POST (XML request bodies, owslib's method='Post').

Usage: ogc_owslib.py URL TYPENAME [USERNAME PASSWORD]
"""
import json
import sys

from owslib import fes2
from owslib.wfs import WebFeatureService

url, typename = sys.argv[1], sys.argv[2]
auth = {"username": sys.argv[3], "password": sys.argv[4]} if len(sys.argv) > 4 else {}
report = {}
for version in ("1.1.0", "2.0.0"):
    wfs = WebFeatureService(url, version=version, **auth)
    entry = {"version": wfs.version, "types": sorted(wfs.contents)}
    layer = wfs.contents[typename]
    entry["wgs84"] = list(layer.boundingBoxWGS84)
    entry["crs"] = [str(c) for c in layer.crsOptions]
    entry["operations"] = sorted(op.name for op in wfs.operations)
    schema = wfs.get_schema(typename)
    entry["schema"] = {"geometry": schema.get("geometry"), "properties": schema.get("properties")}
    minx, miny, maxx, maxy = layer.boundingBoxWGS84
    # The south-west quarter of the layer, in lon/lat: owslib swaps it to lat/lon for the URN itself.
    quarter = (minx, miny, (minx + maxx) / 2, (miny + maxy) / 2)
    response = wfs.getfeature(typename=[typename], bbox=quarter, outputFormat="application/json")
    entry["bbox_count"] = len(json.loads(response.read())["features"])
    response = wfs.getfeature(typename=[typename], outputFormat="application/json")
    entry["all_count"] = len(json.loads(response.read())["features"])
    gml = wfs.getfeature(typename=[typename], maxfeatures=3).read()
    entry["gml_members"] = gml.count(b"gml:id=") if isinstance(gml, bytes) else gml.count("gml:id=")
    post = json.loads(wfs.getfeature(typename=[typename], bbox=quarter, outputFormat="application/json", method="Post").read())
    entry["post_bbox_count"] = len(post["features"])
    gml = wfs.getfeature(typename=[typename], maxfeatures=3, method="Post").read()
    entry["post_gml_members"] = gml.count(b"gml:id=") if isinstance(gml, bytes) else gml.count("gml:id=")
    first = json.loads(wfs.getfeature(typename=[typename], maxfeatures=1, outputFormat="application/json").read())["features"][0]
    by_id = json.loads(wfs.getfeature(typename=[typename], featureid=[first["id"]], outputFormat="application/json", method="Post").read())
    entry["post_featureid"] = [f["id"] for f in by_id["features"]] == [first["id"]]
    if version == "2.0.0":
        # An equality filter on the first text attribute of the first feature, checked against every feature read by GET.
        everything = json.loads(wfs.getfeature(typename=[typename], outputFormat="application/json").read())["features"]
        name, value = next((k, v) for k, v in first["properties"].items() if isinstance(v, str))
        equal = fes2.Filter(fes2.PropertyIsEqualTo(propertyname=name, literal=value)).toXML()
        filtered = json.loads(wfs.getfeature(typename=[typename], filter=equal, outputFormat="application/json", method="Post").read())
        entry["post_filter"] = {"count": len(filtered["features"]), "expected": sum(1 for f in everything if f["properties"].get(name) == value)}
        post_pages = []
        for start in (0, 10):
            page = json.loads(wfs.getfeature(typename=[typename], maxfeatures=10, startindex=start, outputFormat="application/json", method="Post").read())
            post_pages.append([f["id"] for f in page["features"]])
        entry["post_pages"] = post_pages
        pages = []
        for start in (0, 10):
            page = json.loads(wfs.getfeature(typename=[typename], maxfeatures=10, startindex=start, outputFormat="application/json").read())
            pages.append([f["id"] for f in page["features"]])
        entry["pages"] = pages
    report[version] = entry
print(json.dumps(report))
