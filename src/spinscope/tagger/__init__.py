"""The persuasion-technique tagger: windows, decoding, and the ONNX runtime detector."""
