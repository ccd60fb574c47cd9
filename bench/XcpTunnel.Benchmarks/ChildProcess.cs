using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace XcpTunnel.Benchmarks;

/// <summary>A peer program run for the length of the benchmark (socat, xcptunnel serve); its output is kept for errors only.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private long _lines;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Lines printed so far, both streams: what a flood of refusals costs the log.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var child = new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}"));
        // Drained continuously: a daemon logging a line per connection must never block on a full pipe.
        child._process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines it printed, for a failure message.</summary>
    public string Tail()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>Resident set size now, from /proc (what the kernel charges the process).</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS") * 1024;

    /// <summary>
    /// CPU time (user + system) the process has used so far, from /proc/PID/stat; with
    /// <paramref name="withReapedChildren"/> also that of the children it has waited for (socat forks one per connection).
    /// </summary>
    public TimeSpan CpuTime(bool withReapedChildren = false)
    {
        // Fields after the command name (which may hold spaces, hence the last ')'): utime, stime, cutime, cstime
        // are the 12th to the 15th.
        var stat = File.ReadAllText($"/proc/{Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        int last = withReapedChildren ? 14 : 12;
        long ticks = 0;
        for (int field = 11; field <= last; field++)
        {
            ticks += long.Parse(fields[field], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>The soft limit on open files, from /proc/PID/limits.</summary>
    public string OpenFilesLimit()
    {
        var line = File.ReadLines($"/proc/{Id}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return line is null ? "?" : line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{Id}/status has no {field}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        lock (_output)
        {
            // Keep the tail only: a long run logs two lines per connection.
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, 32 * 1024);
            }

            _output.AppendLine(line);
        }
    }
}
