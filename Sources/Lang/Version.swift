/// xai's version, shown by `xai --version` and `:env`.
public enum Version {
    public static let string = "0.1.0"
}
