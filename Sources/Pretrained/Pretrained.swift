/// Checkpoints saved in the Hugging Face format (`save_pretrained`): a folder with
/// config.json, model.safetensors and the tokenizer's files.
public enum Pretrained {}
