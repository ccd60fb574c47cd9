using System.Net;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel connect</c>'s options as typed, turned into the same pool options and tunnel settings a
/// configuration file gives <c>serve</c>, with every problem named by its option, all at once.
/// </summary>
internal sealed record ConnectArguments
{
    public const string DefaultListen = "127.0.0.1:5901";

    public const string PasswordVariable = "XCPTUNNEL_PASSWORD";

    public required string Vm { get; init; }

    public required string? Url { get; init; }

    public required string? User { get; init; }

    public string? PasswordFile { get; init; }

    public IReadOnlyList<string> Fingerprints { get; init; } = [];

    public string? CaFile { get; init; }

    public bool Insecure { get; init; }

    public string? Transport { get; init; }

    public string? Listen { get; init; }

    public bool AllowRemote { get; init; }

    public bool Stdio { get; init; }

    public bool Once { get; init; }

    /// <summary>
    /// The pool and the tunnel, or null with every problem in <paramref name="diagnostics"/>.
    /// <paramref name="askPassword"/> is called only when the arguments are otherwise valid and no
    /// file or environment variable gives the password; it returns null when there is no terminal.
    /// </summary>
    public (XapiPoolOptions Pool, TunnelSettings Tunnel)? Resolve(
        Func<string, string?> environment, Func<string, XapiPassword?> askPassword, ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(askPassword);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var vm = Vm.Trim();
        if (vm.Length == 0)
        {
            diagnostics.Error("VM", "empty; a VM name-label or UUID");
        }

        var url = ConfigValues.HttpsUrl(Url, "--url", diagnostics);
        var user = User?.Trim();
        if (string.IsNullOrEmpty(user))
        {
            diagnostics.Error("--user", "missing; the XAPI user, e.g. root");
        }

        var transport = DaemonSettingsLoader.ReadTransport(Transport, "--transport", diagnostics);
        var trust = ReadTrust(diagnostics);
        var listen = ReadListen(diagnostics);
        foreach (var (given, option) in new[] { (Listen is not null, "--listen"), (Once, "--once"), (AllowRemote, "--allow-remote") })
        {
            if (Stdio && given)
            {
                diagnostics.Error(option, "has no meaning with --stdio, which serves one viewer on stdin and stdout");
            }
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }

        var password = ReadPassword(url!, user!, environment, askPassword, diagnostics);

        // There is no configuration to name the pool: messages name it by the host the user typed
        // ("XAPI login failed for root on xcp01.example.com"), and the tunnel by its VM.
        var pool = url!.Authority;
        return password is null
            ? null
            : (new XapiPoolOptions
            {
                Name = pool,
                Url = url!,
                UserName = user!,
                Password = password,
                Trust = trust!,
                Transport = transport!.Value,
                ConnectTimeout = TunnelTimeouts.Default.Connect,
                TlsHandshakeTimeout = TunnelTimeouts.Default.Tls,
            },
            new TunnelSettings(
                Name: vm,
                Pool: pool,
                Vm: vm,
                Listen: listen!.Value.Endpoints,
                ListenText: listen.Value.Text,
                AllowRemote: AllowRemote,
                MaxConnections: TunnelSettings.DefaultMaxConnections,
                IdleTimeout: null)
            {
                AllowUsers = OwnerAccess.Of(Access.UserDirectory.Default, diagnostics),
            });
    }

    private TlsTrustPolicy? ReadTrust(ConfigDiagnostics diagnostics)
    {
        var chosen = TrustSettings.Chosen((Fingerprints.Count > 0, "--fingerprint"), (CaFile is not null, "--ca-file"), (Insecure, "--insecure"));
        if (chosen.Length > 1)
        {
            diagnostics.Error(chosen[1], $"cannot be combined with {chosen[0]}; choose one way to trust the pool's certificates");
            return null;
        }

        if (Insecure)
        {
            diagnostics.Warn("TLS verification is OFF (--insecure): anyone on the path can read the console and the password");
            return TlsTrustPolicy.Insecure;
        }

        return CaFile is not null ? TrustSettings.ReadCaFile(Path.GetFullPath(CaFile), "--ca-file", diagnostics)
            : Fingerprints.Count > 0 ? TrustSettings.ReadPins(string.Join(',', Fingerprints), "--fingerprint", diagnostics)
            : TlsTrustPolicy.SystemStore;
    }

    private (ValueList<EndPoint> Endpoints, string Text)? ReadListen(ConfigDiagnostics diagnostics) =>
        Stdio ? ([], "stdio") : ListenAddress.Read(Listen ?? DefaultListen, AllowRemote, "add --allow-remote", Dns.GetHostAddresses, "--listen", diagnostics);

    private XapiPassword? ReadPassword(
        Uri url, string user, Func<string, string?> environment, Func<string, XapiPassword?> askPassword, ConfigDiagnostics diagnostics)
    {
        if (PasswordFile is not null)
        {
            return PasswordSources.ReadFile(Path.GetFullPath(PasswordFile), "--password-file", diagnostics);
        }

        if (environment(PasswordVariable) is { Length: > 0 } value)
        {
            return new XapiPassword(PasswordSources.StripNewline(value));
        }

        var asked = askPassword($"Password for {user} at {url.GetLeftPart(UriPartial.Authority)}: ");
        if (asked is null)
        {
            diagnostics.Error(
                "--password-file",
                $"no password: give --password-file FILE or set {PasswordVariable} (stdin is not a terminal to ask on)");
        }

        return asked;
    }
}
