using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel connect VM</c>: one tunnel with no configuration file, through the same connection
/// handler and listener as <c>serve</c>; or, with <c>--stdio</c>, one viewer on stdin and stdout.
/// Logs go to stderr; stdout carries only the address to use (or, with <c>--stdio</c>, the viewer's bytes).
/// </summary>
internal static class ConnectCommand
{
    private const string Description = """
        Open one tunnel to a VM's console with no configuration file, and wait for VNC viewers.

        The password comes from --password-file, else $XCPTUNNEL_PASSWORD, else a prompt on the terminal;
        never from the command line. Only the user who runs this command may use the tunnel: the console
        opens with that user's XAPI credentials, so other local accounts are refused. Logs go to stderr.

        Examples:
          Listen on 127.0.0.1:5901 for any VNC viewer:
            xcptunnel connect web01 --url https://xcp01 --user root --fingerprint AB:CD:…:89
            vncviewer 127.0.0.1:5901
          One viewer, then exit (scripts, one-off sessions):
            xcptunnel connect web01 --url https://xcp01 --user root --password-file ~/.xcp.pw --listen 127.0.0.1:5905 --once
          --stdio, the tunnel on a jump host over SSH with nothing listening there (ProxyCommand style):
            socat TCP-LISTEN:5901,bind=127.0.0.1,reuseaddr,fork \
              EXEC:'ssh admin@jumphost xcptunnel connect web01 --url https\://xcp01 --user root --password-file /etc/xcp.pw --fingerprint ABCD…89 --stdio'
            vncviewer 127.0.0.1:5901
          --stdio from inetd or a systemd socket unit with Accept=yes: the same command, one process per viewer.
          (socat reads ':' and ',' inside EXEC as its own separators; write them as '\:' and '\,', and the
          fingerprint without colons.)

        """ + ExitCodes.HelpText;

    private const string PasswordVariable = "XCPTUNNEL_PASSWORD";

    private const string DefaultListen = "127.0.0.1:5901";

    private static readonly Argument<string> Vm = new("VM")
    {
        Description = "The VM: a name-label or a UUID.",
        Validators = { result => RequireText(result, "VM", "empty; a VM name-label or UUID") },
    };

    private static readonly Option<Uri?> Url = new("--url")
    {
        Description = "XAPI URL of a pool host, https://host[:port].",
        Required = true,
        HelpName = "URL",
        CustomParser = CliOptions.From(ConfigValues.HttpsUrl),
    };

    private static readonly Option<string> User = new("--user", "-u")
    {
        Description = "XAPI user, e.g. root.",
        Required = true,
        HelpName = "USER",
        Validators = { result => RequireText(result, "--user", "missing; the XAPI user, e.g. root") },
    };

    private static readonly Option<string?> PasswordFile = new("--password-file") { Description = "File holding the password (mode 600).", HelpName = "FILE" };

    private static readonly Option<TlsTrustPolicy?> Fingerprint = new("--fingerprint")
    {
        Description = "SHA-256 fingerprint of the hosts' certificates (hex, colons optional); repeat for several hosts.",
        HelpName = "SHA256",
        Arity = ArgumentArity.OneOrMore,
        CustomParser = CliOptions.From(TrustSettings.ReadPins),
    };

    private static readonly Option<TlsTrustPolicy?> CaFile = new("--ca-file")
    {
        Description = "PEM CA bundle the hosts' certificates chain to.",
        HelpName = "FILE",
        CustomParser = CliOptions.From((path, key, diagnostics) => TrustSettings.ReadCaFile(Path.GetFullPath(path), key, diagnostics)),
    };

    private static readonly Option<bool> Insecure = new("--insecure") { Description = "Do not verify host certificates (warned)." };

    private static readonly Option<XapiTransport?> Transport = new("--transport")
    {
        Description = "auto (default), jsonrpc or xmlrpc.",
        HelpName = "auto|jsonrpc|xmlrpc",
        CustomParser = CliOptions.From(DaemonSettingsLoader.ReadTransport),
    };

    private static readonly Option<bool> AllowRemote = new("--allow-remote") { Description = "Allow a --listen address that is not loopback." };

    private static readonly Option<(ValueList<EndPoint> Endpoints, string Text)?> Listen = new("--listen", "-l")
    {
        Description = $"Address to listen on (default {DefaultListen}), or unix:PATH.",
        HelpName = "HOST:PORT",
        // Resolved and checked against --allow-remote by the parser, so a bad address is told with every other problem.
        CustomParser = result => CliOptions.From((text, key, diagnostics) =>
            ListenAddress.Read(text, result.GetValue(AllowRemote), "add --allow-remote", Dns.GetHostAddresses, key, diagnostics))(result),
    };

    private static readonly Option<bool> Once = new("--once") { Description = "Exit when the first viewer disconnects: 0 if its tunnel worked, 1 if not." };

    private static readonly Option<bool> Stdio = new("--stdio") { Description = "No listener: serve one viewer on stdin/stdout, then exit." };

    public static Command Create()
    {
        var command = new Command("connect", Description) { Vm, Url, User, PasswordFile, Fingerprint, CaFile, Insecure, Transport, Listen, Once, Stdio, AllowRemote };
        // On the options, not the command: System.CommandLine skips the options' checks after a command's own
        // error, and every problem is to be told at once.
        foreach (var option in new Option[] { Listen, Once, AllowRemote })
        {
            option.Validators.Add(result =>
            {
                if (!result.Implicit && result.GetValue(Stdio))
                {
                    result.AddError($"{option.Name}: has no meaning with --stdio, which serves one viewer on stdin and stdout");
                }
            });
        }

        Option[] trust = [Fingerprint, CaFile, Insecure];
        for (var i = 1; i < trust.Length; i++)
        {
            var (option, earlier) = (trust[i], trust[..i]);
            option.Validators.Add(result =>
            {
                if (!result.Implicit && earlier.FirstOrDefault(o => CliOptions.Given(result, o)) is { } other)
                {
                    result.AddError($"{option.Name}: cannot be combined with {other.Name}; choose one way to trust the pool's certificates");
                }
            });
        }

        return CliCommand.Create(command, RunAsync);
    }

    /// <remarks>stdout is not touched with <c>--stdio</c>: it belongs to the viewer.</remarks>
    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        var stdio = cli.Get(Stdio);
        var (pool, tunnel) = Resolve(cli, stdio);
        using var loggerFactory = cli.CreateLoggers(LogLevel.Information);
        var logger = loggerFactory.CreateLogger("XcpTunnel.Tunnels");
        var timeouts = TunnelTimeouts.Default;
        var session = new XapiPoolSession(pool, loggerFactory, TimeProvider.System);
        await using (session.ConfigureAwait(false))
        {
            var dialer = new ConsoleDialer(session, timeouts.ConnectReply);
            ConsoleDial dial = ct => dialer.DialAsync(tunnel.Vm, ct);
            if (stdio)
            {
                var handler = new TunnelConnectionHandler(tunnel, dial, timeouts, TimeProvider.System, logger);
                var result = await handler.HandleAsync(
                    StdioStream.Open(), CurrentUser.Identity(UserDirectory.Default), cancellationToken).ConfigureAwait(false);
                return result.Spliced ? ExitCodes.Ok : ExitCodes.Failed;
            }

            // A wrong password or certificate is told now, in one line, not to the first viewer after "connect a viewer".
            await session.GetSessionAsync(cancellationToken).ConfigureAwait(false);
            return await ListenAsync(tunnel, dial, timeouts, cli.Get(Once), logger, cli.Output, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The same pool options and tunnel settings a configuration file gives <c>serve</c>. There is no configuration
    /// to name the pool: messages name it by the host the user typed ("XAPI login failed for root on
    /// xcp01.example.com"), and the tunnel by its VM.
    /// </summary>
    private static (XapiPoolOptions Pool, TunnelSettings Tunnel) Resolve(CliRun cli, bool stdio)
    {
        var diagnostics = new ConfigDiagnostics();
        var url = cli.Get(Url)!;
        var user = cli.Get(User)!.Trim();
        var vm = cli.Get(Vm)!.Trim();
        var password = ReadPassword(cli, url, user, stdio, diagnostics);
        if (cli.Get(Insecure))
        {
            diagnostics.Warn("TLS verification is OFF (--insecure): anyone on the path can read the console and the password");
        }

        (ValueList<EndPoint> Endpoints, string Text) listen = stdio ? ([], "stdio") : cli.Get(Listen) ?? ([new IPEndPoint(IPAddress.Loopback, 5901)], DefaultListen);
        var allowUsers = OwnerAccess.Of(UserDirectory.Default, diagnostics);
        foreach (var warning in diagnostics.Warnings)
        {
            cli.Errors.WriteLine($"xcptunnel: warning: {warning}");
        }

        if (password is null)
        {
            throw new UsageException(diagnostics.Errors[0].ToString());
        }

        var pool = new XapiPoolOptions
        {
            Name = url.Authority,
            Url = url,
            UserName = user,
            Password = password,
            Trust = cli.Get(Insecure) ? TlsTrustPolicy.Insecure : cli.Get(CaFile) ?? cli.Get(Fingerprint) ?? TlsTrustPolicy.SystemStore,
            Transport = cli.Get(Transport) ?? XapiTransport.Auto,
            ConnectTimeout = TunnelTimeouts.Default.Connect,
            TlsHandshakeTimeout = TunnelTimeouts.Default.Tls,
        };
        var tunnel = new TunnelSettings(vm, url.Authority, vm, listen.Endpoints, listen.Text, cli.Get(AllowRemote), TunnelSettings.DefaultMaxConnections, IdleTimeout: null)
        {
            AllowUsers = allowUsers,
        };
        return (pool, tunnel);
    }

    /// <summary>From <c>--password-file</c>, else the environment, else a prompt when stdin is a terminal; never from the command line.</summary>
    private static XapiPassword? ReadPassword(CliRun cli, Uri url, string user, bool stdio, ConfigDiagnostics diagnostics)
    {
        if (cli.Get(PasswordFile) is { } file)
        {
            return PasswordSources.ReadFile(Path.GetFullPath(file), PasswordFile.Name, diagnostics);
        }

        if (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } value)
        {
            return new XapiPassword(PasswordSources.StripNewline(value));
        }

        if (!stdio && PasswordPrompt.CanAsk)
        {
            return PasswordPrompt.Ask($"Password for {user} at {url.GetLeftPart(UriPartial.Authority)}: ", cli.Errors);
        }

        diagnostics.Error(PasswordFile.Name, $"no password: give --password-file FILE or set {PasswordVariable} (stdin is not a terminal to ask on)");
        return null;
    }

    private static void RequireText(SymbolResult result, string name, string problem)
    {
        if (result.Tokens.All(t => string.IsNullOrWhiteSpace(t.Value)))
        {
            result.AddError($"{name}: {problem}");
        }
    }

    private static async Task<int> ListenAsync(
        TunnelSettings tunnel, ConsoleDial dial, TunnelTimeouts timeouts, bool once, ILogger logger, TextWriter output, CancellationToken cancellationToken)
    {
        var first = new TaskCompletionSource<TunnelConnectionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new TunnelConnectionHandler(tunnel, dial, timeouts, TimeProvider.System, logger, result => first.TrySetResult(result));
        TunnelListener listener;
        try
        {
            listener = TunnelListener.Start(handler, logger);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--listen: cannot listen on {tunnel.ListenText}: {ex.Message}", ex);
        }

        await using (listener.ConfigureAwait(false))
        {
            output.WriteLine($"Connect a VNC viewer to {listener.EndPoints[0]} (VM {tunnel.Vm})");
            output.Flush();
            if (!once)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }

            var result = await first.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return result.Spliced ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }
}
