namespace XcpTunnel.Configuration;

/// <summary>The <c>Health</c> section, as written.</summary>
internal sealed class HealthSection
{
    public static readonly IReadOnlyList<string> Keys = [nameof(Listen), nameof(AllowRemote)];

    public string? Listen { get; set; }

    public string? AllowRemote { get; set; }
}
