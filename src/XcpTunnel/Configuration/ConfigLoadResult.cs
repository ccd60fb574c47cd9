using System.Diagnostics.CodeAnalysis;

namespace XcpTunnel.Configuration;

/// <summary>
/// What <see cref="DaemonSettingsLoader"/> found: settings, or every error at once. Warnings are
/// reported either way, so <c>check</c> can show them next to the errors.
/// </summary>
internal sealed record ConfigLoadResult
{
    public required string Path { get; init; }

    /// <summary>Set exactly when <see cref="Errors"/> is empty.</summary>
    public DaemonSettings? Settings { get; init; }

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    [MemberNotNullWhen(true, nameof(Settings))]
    public bool Succeeded => Settings is not null;

    /// <summary>The settings, or a <see cref="ConfigException"/> listing every error.</summary>
    public DaemonSettings GetSettingsOrThrow() => Succeeded ? Settings : throw new ConfigException(Path, Errors);
}
