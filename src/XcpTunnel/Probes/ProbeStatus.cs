namespace XcpTunnel.Probes;

/// <summary>A probe's verdict; the values are the Nagios plugin exit codes monitoring systems expect.</summary>
internal enum ProbeStatus
{
    /// <summary>The console answered with a picture, within the thresholds.</summary>
    Ok = 0,

    /// <summary>It answered, but slowly (over the warning threshold) or with a single-colour screen.</summary>
    Warning = 1,

    /// <summary>It did not answer (a failure on the way, a timeout) or took longer than the critical threshold.</summary>
    Critical = 2,

    /// <summary>The probe could not run: an unknown tunnel, an unreadable configuration, bad arguments.</summary>
    Unknown = 3,
}

internal static class ProbeStatusText
{
    /// <summary>The upper-case word Nagios output uses: <c>OK</c>, <c>WARNING</c>, <c>CRITICAL</c>, <c>UNKNOWN</c>.</summary>
    public static string Label(this ProbeStatus status) => status switch
    {
        ProbeStatus.Ok => "OK",
        ProbeStatus.Warning => "WARNING",
        ProbeStatus.Critical => "CRITICAL",
        _ => "UNKNOWN",
    };

    /// <summary>The Prometheus label value: <c>ok</c>, <c>warning</c>, <c>critical</c>, <c>unknown</c>.</summary>
    public static string MetricLabel(this ProbeStatus status) => status.Label().ToLowerInvariant();
}
