using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Consoles;
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

    public static Command Create()
    {
        var vm = new Argument<string>("VM") { Description = "The VM: a name-label or a UUID." };
        var url = new Option<string>("--url") { Description = "XAPI URL of a pool host, https://host[:port].", Required = true, HelpName = "URL" };
        var user = new Option<string>("--user", "-u") { Description = "XAPI user, e.g. root.", Required = true, HelpName = "USER" };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the password (mode 600).", HelpName = "FILE" };
        var fingerprint = new Option<string[]>("--fingerprint")
        {
            Description = "SHA-256 fingerprint of the hosts' certificates (hex, colons optional); repeat for several hosts.",
            HelpName = "SHA256",
            Arity = ArgumentArity.OneOrMore,
        };
        var caFile = new Option<string?>("--ca-file") { Description = "PEM CA bundle the hosts' certificates chain to.", HelpName = "FILE" };
        var insecure = new Option<bool>("--insecure") { Description = "Do not verify host certificates (warned)." };
        var transport = new Option<string?>("--transport") { Description = "auto (default), jsonrpc or xmlrpc.", HelpName = "auto|jsonrpc|xmlrpc" };
        var listen = new Option<string?>("--listen", "-l") { Description = $"Address to listen on (default {ConnectArguments.DefaultListen}), or unix:PATH.", HelpName = "HOST:PORT" };
        var once = new Option<bool>("--once") { Description = "Exit when the first viewer disconnects: 0 if its tunnel worked, 1 if not." };
        var stdio = new Option<bool>("--stdio") { Description = "No listener: serve one viewer on stdin/stdout, then exit." };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --listen address that is not loopback." };
        var verbose = CommonOptions.Verbose();
        var command = new Command("connect", Description)
        {
            vm, url, user, passwordFile, fingerprint, caFile, insecure, transport, listen, once, stdio, allowRemote, verbose,
        };
        UsageErrors.RejectOptionLikeValues(vm, command);
        command.SetAction((parse, cancellationToken) =>
        {
            var isVerbose = parse.GetValue(verbose);
            var arguments = new ConnectArguments
            {
                Vm = parse.GetValue(vm)!,
                Url = parse.GetValue(url),
                User = parse.GetValue(user),
                PasswordFile = parse.GetValue(passwordFile),
                Fingerprints = parse.GetValue(fingerprint) ?? [],
                CaFile = parse.GetValue(caFile),
                Insecure = parse.GetValue(insecure),
                Transport = parse.GetValue(transport),
                Listen = parse.GetValue(listen),
                Once = parse.GetValue(once),
                Stdio = parse.GetValue(stdio),
                AllowRemote = parse.GetValue(allowRemote),
            };
            return CliErrors.RunAsync(
                ct => RunAsync(arguments, isVerbose, Console.Out, Console.Error, ct), isVerbose, Console.Error, cancellationToken);
        });
        return command;
    }

    /// <remarks><paramref name="output"/> is not touched with <c>--stdio</c>: stdout belongs to the viewer.</remarks>
    public static async Task<int> RunAsync(ConnectArguments arguments, bool verbose, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var diagnostics = new ConfigDiagnostics();
        var resolved = arguments.Resolve(
            Environment.GetEnvironmentVariable,
            prompt => !arguments.Stdio && PasswordPrompt.CanAsk ? PasswordPrompt.Ask(prompt, errors) : null,
            diagnostics);
        foreach (var warning in diagnostics.Warnings)
        {
            await errors.WriteLineAsync($"xcptunnel: warning: {warning}").ConfigureAwait(false);
        }

        UsageException.ThrowIfAny(diagnostics);
        var settings = resolved!.Value;

        using var loggerFactory = CreateLoggerFactory(verbose);
        var logger = loggerFactory.CreateLogger("XcpTunnel.Tunnels");
        var timeouts = TunnelTimeouts.Default;
        var pool = new XapiPoolSession(settings.Pool, loggerFactory, TimeProvider.System);
        await using (pool.ConfigureAwait(false))
        {
            var dialer = new ConsoleDialer(pool, timeouts.ConnectReply);
            ConsoleDial dial = ct => dialer.DialAsync(settings.Tunnel.Vm, ct);
            if (arguments.Stdio)
            {
                var handler = new TunnelConnectionHandler(settings.Tunnel, dial, timeouts, TimeProvider.System, logger);
                var result = await handler.HandleAsync(
                    StdioStream.Open(), CurrentUser.Identity(UserDirectory.Default), cancellationToken).ConfigureAwait(false);
                return result.Spliced ? ExitCodes.Ok : ExitCodes.Failed;
            }

            // A wrong password or certificate is told now, in one line, not to the first viewer after "connect a viewer".
            await pool.GetSessionAsync(cancellationToken).ConfigureAwait(false);
            return await ListenAsync(settings.Tunnel, dial, timeouts, arguments.Once, logger, output, cancellationToken).ConfigureAwait(false);
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
            await output.WriteLineAsync($"Connect a VNC viewer to {listener.EndPoints[0]} (VM {tunnel.Vm})").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!once)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }

            var result = await first.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return result.Spliced ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }

    private static ILoggerFactory CreateLoggerFactory(bool verbose) => LoggerFactory.Create(builder =>
    {
        builder.AddSimpleConsole(o => o.SingleLine = true);
        // stdout is the address to use, or the viewer itself with --stdio: every log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
    });
}
