using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// A started peer program. Standard input is closed at once (no peer may wait for a terminal), standard
/// output and error are captured from the start. Disposing asks it to stop with SIGTERM — Xvnc then
/// removes its /tmp/.X<i>n</i>-lock and socket — and kills the whole tree if it has not exited within
/// <see cref="StopGrace"/>.
/// </summary>
internal sealed class RunningProcess : IAsyncDisposable
{
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long output may still arrive after exit; a grandchild holding the pipe must not hang the test.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A failure message shows this much of each stream, from the end, where the error usually is.</summary>
    private const int MaxDescribedChars = 4000;

    private const int SigHup = 1;
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly Process process;
    private readonly CapturedStream standardOutput = new();
    private readonly CapturedStream standardError = new();
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task pumps;

    private RunningProcess(ProcessSpec spec)
    {
        Spec = spec;
        var startInfo = new ProcessStartInfo(spec.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.Exited += (_, _) => exited.TrySetResult();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ProcessFailedException($"could not start {spec.CommandLine}: {e.Message}", e);
        }

        if (spec.StandardInput is { } input)
        {
            // Small inputs only (a page of text): the pipe buffer takes it before the program reads.
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        pumps = Task.WhenAll(
            standardOutput.PumpAsync(process.StandardOutput.BaseStream),
            standardError.PumpAsync(process.StandardError.BaseStream));
    }

    public ProcessSpec Spec { get; }

    public string CommandLine => Spec.CommandLine;

    public int Id => process.Id;

    public bool HasExited => exited.Task.IsCompleted;

    /// <summary>Completes when the process exits, for racing against a readiness probe.</summary>
    public Task Exited => exited.Task;

    /// <summary>Only valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => process.ExitCode;

    public byte[] StandardOutputBytes => standardOutput.ToArray();

    public string StandardOutput => Encoding.UTF8.GetString(standardOutput.ToArray());

    public string StandardError => Encoding.UTF8.GetString(standardError.ToArray());

    public static RunningProcess Start(ProcessSpec spec) => new(spec);

    /// <summary>Waits for the process to exit and for its output to be read, and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await exited.Task.WaitAsync(cancellationToken);
        await pumps.WaitAsync(DrainTimeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return process.ExitCode;
    }

    /// <summary>
    /// Waits until standard output contains <paramref name="text"/>; a logger writes from a queue, so a line
    /// can come a moment after what it reports was observable. Fails with the output after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        // Either stream: a daemon logs to stderr, a command answers on stdout.
        bool Written() => (StandardOutput + StandardError).Contains(text, StringComparison.Ordinal);
        while (!Written())
        {
            if (HasExited)
            {
                // Its last lines may still be in the pipes: the pumps end at their EOF.
                await pumps.WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                Assert.True(Written(), Describe($"exited with no '{text}' in the output"));
                return;
            }

            Assert.True(DateTime.UtcNow <= deadline, Describe($"no '{text}' in the output"));
            await Task.WhenAny(exited.Task, Task.Delay(50));
        }
    }

    /// <summary>Sends SIGTERM (what systemd sends on stop) and returns without waiting.</summary>
    public void Terminate() => Signal(SigTerm, "TERM");

    /// <summary>Sends SIGINT (what Ctrl+C in a terminal sends) and returns without waiting.</summary>
    public void Interrupt() => Signal(SigInt, "INT");

    /// <summary>Sends SIGHUP (what <c>systemctl reload</c> sends) and returns without waiting.</summary>
    public void Hangup() => Signal(SigHup, "HUP");

    private void Signal(int signal, string name)
    {
        if (!HasExited && NativeMethods.Kill(process.Id, signal) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (!HasExited)
            {
                throw new Win32Exception(errno, $"kill -{name} {process.Id} failed");
            }
        }
    }

    /// <summary>Kills the process and everything it started, and waits for it.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }

        await WaitForExitAsync(cancellationToken);
    }

    public ProcessResult ToResult() =>
        new(CommandLine, process.ExitCode, standardOutput.ToArray(), StandardError);

    /// <summary>A failure message: what happened, the command line and the tail of both streams.</summary>
    public string Describe(string what) => Describe(what, CommandLine, StandardOutput, StandardError);

    /// <summary>A failure message for a run that has finished (see <see cref="ProcessResult.Describe"/>).</summary>
    public static string Describe(string what, string commandLine, string standardOutput, string standardError)
    {
        var text = new StringBuilder()
            .Append(what).Append(": ").AppendLine(commandLine);
        AppendStream(text, "stdout", standardOutput);
        AppendStream(text, "stderr", standardError);
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited)
            {
                Terminate();
                await exited.Task.WaitAsync(StopGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            using var bound = new CancellationTokenSource(StopGrace);
            await KillAsync(bound.Token);
        }
        finally
        {
            process.Dispose();
        }
    }

    private static void AppendStream(StringBuilder text, string name, string content)
    {
        if (content.Length == 0)
        {
            text.Append("  (no ").Append(name).AppendLine(")");
            return;
        }

        text.Append("  --- ").Append(name).AppendLine(content.Length > MaxDescribedChars ? $" (last {MaxDescribedChars} chars) ---" : " ---");
        text.AppendLine(content.Length > MaxDescribedChars ? content[^MaxDescribedChars..] : content.TrimEnd());
    }

    /// <summary>Bytes read from one pipe so far; read while the process runs, so a live log can be shown.</summary>
    private sealed class CapturedStream
    {
        private readonly Lock gate = new();
        private readonly ArrayBufferWriter<byte> bytes = new();

        public async Task PumpAsync(Stream pipe)
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await pipe.ReadAsync(buffer)) > 0)
            {
                lock (gate)
                {
                    bytes.Write(buffer.AsSpan(0, read));
                }
            }
        }

        public byte[] ToArray()
        {
            lock (gate)
            {
                return bytes.WrittenSpan.ToArray();
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}
