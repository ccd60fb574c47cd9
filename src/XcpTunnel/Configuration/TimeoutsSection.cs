namespace XcpTunnel.Configuration;

/// <summary>The <c>Timeouts</c> section, as written: whole seconds.</summary>
internal sealed class TimeoutsSection
{
    public static readonly IReadOnlyList<string> Keys =
        [nameof(ConnectSeconds), nameof(TlsSeconds), nameof(ConnectReplySeconds), nameof(RfbMessageSeconds), nameof(ViewerPasswordSeconds), nameof(HalfCloseSeconds), nameof(DrainSeconds)];

    public string? ConnectSeconds { get; set; }

    public string? TlsSeconds { get; set; }

    public string? ConnectReplySeconds { get; set; }

    public string? RfbMessageSeconds { get; set; }

    public string? ViewerPasswordSeconds { get; set; }

    public string? HalfCloseSeconds { get; set; }

    public string? DrainSeconds { get; set; }
}
