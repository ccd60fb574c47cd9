using XcpTunnel.Protocol;

namespace XcpTunnel.Configuration;

/// <summary>The configuration cannot be used; <see cref="Exception.Message"/> lists every error, one per line.</summary>
internal sealed class ConfigException : XcpTunnelException
{
    public ConfigException(string path, IReadOnlyList<ConfigError> errors)
        : base(Format(path, errors))
    {
        Path = path;
        Errors = errors;
    }

    public string Path { get; }

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(string path, IReadOnlyList<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var noun = errors.Count == 1 ? "error" : "errors";
        return $"{path}: {errors.Count} configuration {noun}:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", errors);
    }
}
