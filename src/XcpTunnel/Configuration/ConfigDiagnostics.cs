namespace XcpTunnel.Configuration;

/// <summary>Collects every error and warning of one load, so the user sees them all at once.</summary>
internal sealed class ConfigDiagnostics
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Error(string key, string message) => _errors.Add(new ConfigError(key, message));

    public void Warn(string message) => _warnings.Add(message);
}
