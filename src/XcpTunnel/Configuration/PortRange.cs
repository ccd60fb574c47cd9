using System.Globalization;

namespace XcpTunnel.Configuration;

/// <summary>The ports generated tunnels are given, <c>AutoTunnels:Ports</c>: <c>5901-5999</c>, or one port.</summary>
internal readonly record struct PortRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public bool Contains(int port) => port >= First && port <= Last;

    /// <summary>The range written under <paramref name="key"/>, or null after reporting what is wrong with it.</summary>
    public static PortRange? Read(string? text, string key, ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (string.IsNullOrWhiteSpace(text))
        {
            diagnostics.Error(key, "missing; the ports to give VMs, e.g. 5901-5999");
            return null;
        }

        var parts = text.Trim().Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && Port(parts[0]) is { } first && Port(parts[1]) is { } last && first <= last)
        {
            return new PortRange(first, last);
        }

        if (parts.Length == 1 && Port(parts[0]) is { } only)
        {
            return new PortRange(only, only);
        }

        diagnostics.Error(key, $"'{text.Trim()}' is not a port range such as 5901-5999 (ports 1-65535, the first not above the last)");
        return null;
    }

    public override string ToString() =>
        First == Last ? First.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");

    private static int? Port(string text) =>
        text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && int.Parse(text, CultureInfo.InvariantCulture) is var port and >= 1 and <= 65535
            ? port
            : null;
}
