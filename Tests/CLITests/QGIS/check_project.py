#!/usr/bin/python3
"""Opens a run's project.qgz in QGIS without a display and reports, as JSON on stdout, what
QGIS itself makes of it: every layer's validity, source and renderer, the project CRS, the
colour QGIS gives each district in each choropleth, the styles QGIS applies when it opens
results.gpkg on its own, and how many pixels of a rendering are not background.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_project.py RUN_FOLDER OUT.png

QgsProject.read() returns true even when layers are broken, so validity is checked layer by
layer. Debian's qgis and python3-qgis provide the modules.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,
                       QgsRenderContext, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

folder, image_path = sys.argv[1], sys.argv[2]
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
report = {"read": project.read(os.path.join(folder, "project.qgz"))}
report["crs"] = project.crs().authid()
report["crs_valid"] = project.crs().isValid()
layers = []
for layer in project.mapLayers().values():
    entry = {"id": layer.id(), "name": layer.name(), "valid": layer.isValid(), "source": layer.source(),
             "features": layer.featureCount() if layer.isValid() else -1, "crs": layer.crs().authid()}
    renderer = layer.renderer() if layer.isValid() else None
    entry["renderer"] = renderer.type() if renderer else None
    entry["labels"] = bool(layer.labelsEnabled()) if layer.isValid() else False
    if renderer is not None and renderer.type() == "graduatedSymbol" and layer.id().startswith("districts_"):
        context = QgsRenderContext()
        renderer.startRender(context, layer.fields())
        colours = {}
        for feature in layer.getFeatures():
            symbol = renderer.symbolForFeature(feature, context)
            colours[str(feature["id"])] = symbol.color().name() if symbol else None
        renderer.stopRender(context)
        entry["colours"] = colours
        entry["ranges"] = [[r.lowerValue(), r.upperValue(), r.label()] for r in renderer.ranges()]
    if renderer is not None and renderer.type() == "categorizedSymbol":
        entry["categories"] = [[str(c.value()), c.symbol().color().name()] for c in renderer.categories()]
    layers.append(entry)
report["layers"] = layers

# The GeoPackage on its own: QGIS applies the default style of layer_styles when it loads a table.
alone = {}
gpkg = os.path.join(folder, "results.gpkg")
if os.path.exists(gpkg):
    for name in ["parcels", "districts", "potential", "catchments"]:
        layer = QgsVectorLayer(gpkg + "|layername=" + name, name, "ogr")
        alone[name] = {"valid": layer.isValid(), "renderer": layer.renderer().type() if layer.isValid() else None,
                       "labels": bool(layer.labelsEnabled()) if layer.isValid() else False}
report["gpkg_alone"] = alone

# Render every visible layer on the project's extent.
settings = QgsMapSettings()
root = project.layerTreeRoot()
settings.setLayers([l.layer() for l in root.findLayers() if l.isVisible() and l.layer() is not None])
settings.setDestinationCrs(project.crs())
settings.setOutputSize(QSize(800, 700))
settings.setBackgroundColor(QColor(255, 255, 255))
extent = project.viewSettings().defaultViewExtent()
if extent.isEmpty():
    extent = settings.fullExtent()
settings.setExtent(extent)
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
image.save(image_path)
painted = 0
for y in range(0, image.height(), 4):
    for x in range(0, image.width(), 4):
        if image.pixel(x, y) & 0xFFFFFF != 0xFFFFFF:
            painted += 1
report["painted_samples"] = painted
report["samples"] = (image.height() // 4) * (image.width() // 4)
print(json.dumps(report))
sys.stdout.flush()
# (PyQGIS may crash while tearing down on some builds; the report is out by now.)
os._exit(0)
