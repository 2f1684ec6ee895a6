namespace JobSafety.Cli.Tests.Compiler;

/// <summary>
/// Sources for <see cref="NewestCompilerTests"/>: every C# 12-14 feature the analyzers' own Roslyn (4.8) does not know,
/// used inside and around transactions with side effects. A line that ends with <c>// JSnnnn</c> must get exactly that
/// finding; no other line may get one.
/// </summary>
internal static class NewestCompilerSources
{
    public const string Program = """
        using Hangfire;
        using Npgsql;
        using Probe;

        // Top-level statements: a transaction in the program's own body.
        await using var conn = new NpgsqlConnection("Host=localhost");
        await using (var tx = await conn.BeginTransactionAsync())
        {
            BackgroundJob.Enqueue(() => Jobs.Notify(1)); // JS0001
            await tx.CommitAsync();
        }

        BackgroundJob.Enqueue(() => Jobs.Notify(2));
        int[] numbers = [1, 2, .. args.Select(a => a.Length)];
        Console.WriteLine(numbers.Length);
        """;

    public const string Features = """
        using System.Collections;
        using System.Data;
        using System.Data.Common;
        using System.Net.Mail;
        using System.Runtime.CompilerServices;
        using System.Transactions;
        using Hangfire;
        using Npgsql;
        using Pair = (int Left, int Right);

        namespace Probe;

        public static class Jobs
        {
            public static void Notify(long id) => Console.WriteLine(id);
        }

        // Declared a side effect in .editorconfig (jobsafety.additional_side_effects, category other).
        public static class Audit
        {
            public static void Write(string line) => Console.WriteLine(line);
        }

        // C# 14 extension blocks: instance and static members, properties, a generic receiver, a transaction receiver.
        public static class OrderExtensions
        {
            extension(NpgsqlConnection conn)
            {
                public void PlaceOrder(long id)
                {
                    using var tx = conn.BeginTransaction();
                    BackgroundJob.Enqueue(() => Jobs.Notify(id)); // JS0001
                    NpgsqlConnection.Announce(id); // JS0001
                    tx.Commit();
                    BackgroundJob.Enqueue(() => Jobs.Notify(id));
                }

                public static void Announce(long id) => BackgroundJob.Enqueue(() => Jobs.Notify(id));

                public bool IsBusy => conn.FullState == ConnectionState.Executing;

                public static NpgsqlConnection Open(string cs) => new(cs);

                public void Later(long id) => BackgroundJob.Enqueue(() => Jobs.Notify(id));

                public async Task<int> CountAsync()
                {
                    await using var tx = await conn.BeginTransactionAsync();
                    using var http = new HttpClient();
                    var body = await http.GetStringAsync("https://example.invalid/count"); // JS0003
                    await tx.CommitAsync();
                    return body.Length;
                }
            }

            // The receiver is a transaction parameter, like 'this DbTransaction tx': the caller holds it open.
            extension(DbTransaction tx)
            {
                public int Depth => tx.IsolationLevel == System.Data.IsolationLevel.Serializable ? 1 : 0;

                public void EnqueueInside(long id) => BackgroundJob.Enqueue(() => Jobs.Notify(id)); // JS0001

                public void CommitThenEnqueue(long id)
                {
                    tx.Commit();
                    BackgroundJob.Enqueue(() => Jobs.Notify(id));
                }

                public static void NoReceiver(long id) => BackgroundJob.Enqueue(() => Jobs.Notify(id));
            }

            extension<T>(IEnumerable<T> items) where T : class
            {
                public bool IsEmpty => !items.Any();

                public IEnumerable<T> NotNull() => items.Where(i => i is not null);
            }

            extension(IEnumerable)
            {
                public static int Nothing => 0;
            }
        }

        // The field keyword, partial properties, partial constructors and partial events.
        public partial class Customer
        {
            public string Name
            {
                get => field ?? "";
                set
                {
                    using var scope = new TransactionScope();
                    field = value.Trim();
                    BackgroundJob.Enqueue(() => Jobs.Notify(field.Length)); // JS0001
                    scope.Complete();
                }
            }

            public int Visits { get; set => field = Math.Max(0, value); }

            public partial string Email { get; set; }

            public partial Customer(NpgsqlConnection conn);

            public partial event EventHandler? Changed;
        }

        public partial class Customer
        {
            private string email = "";

            public partial string Email
            {
                get => email;
                set
                {
                    using var scope = new TransactionScope();
                    email = value;
                    new SmtpClient("localhost").Send("a@example.invalid", value, "changed", "body"); // JS0002
                    scope.Complete();
                }
            }

            public partial Customer(NpgsqlConnection conn)
            {
                using var tx = conn.BeginTransaction();
                BackgroundJob.Enqueue(() => Jobs.Notify(0)); // JS0001
                Audit.Write("created"); // JS0004
                tx.Commit();
                Audit.Write("committed");
            }

            public partial event EventHandler? Changed
            {
                add { }
                remove { }
            }
        }

        public class Order
        {
            public string? Status { get; set; }

            public Order? Parent { get; set; }

            public List<int>? Lines { get; set; }

            public event EventHandler? Shipped;

            public void Ship() => Shipped?.Invoke(this, EventArgs.Empty);
        }

        // Primary constructors, null-conditional assignment, the new lock, collection expressions, params collections.
        public class OrderService(NpgsqlConnection conn, IBackgroundJobClient jobs)
        {
            private readonly Lock gate = new();
            private readonly List<Func<Task>> afterCommit = [];

            public void Place(Order? order, params ReadOnlySpan<long> ids)
            {
                using var tx = conn.BeginTransaction();
                order?.Status = "placed";
                order?.Parent?.Status ??= "open";
                order?.Lines?[0] = 1;
                order?.Shipped += (_, _) => jobs.Enqueue(() => Jobs.Notify(1));
                lock (gate)
                {
                    foreach (var id in ids)
                    {
                        jobs.Enqueue(() => Jobs.Notify(id)); // JS0001
                    }
                }

                afterCommit.Add(() => Task.FromResult(jobs.Enqueue(() => Jobs.Notify(2))));
                List<long> all = [.. ids, 3, 4];
                long[] copy = [.. all];
                tx.Commit();
                jobs.Enqueue(() => Jobs.Notify(copy.Length));
            }

            public void Log(params IEnumerable<string> lines)
            {
                foreach (var line in lines)
                {
                    Console.WriteLine(line);
                }
            }

            public void Many() => Log("a", "b", "c");
        }

        // allows ref struct, first-class spans, ref struct interfaces, inline arrays, static abstract members.
        public interface IShape
        {
            static abstract int Sides { get; }
        }

        public ref struct SpanCounter : IDisposable
        {
            public int Count;

            public void Dispose() => Count = 0;
        }

        [InlineArray(4)]
        public struct Buffer4
        {
            private int element;
        }

        public static class Generic
        {
            public static int Measure<T>(T value, Func<T, int> measure) where T : allows ref struct => measure(value);

            public static int Sides<T>() where T : IShape => T.Sides;

            public static bool StartsWithA(ReadOnlySpan<char> text) => text.StartsWith("a");

            public static bool FirstClass(string[] words) => words.AsSpan().Contains("a") && StartsWithA("abc");

            public static int Sum(Buffer4 buffer)
            {
                var total = 0;
                foreach (var value in buffer)
                {
                    total += value;
                }

                return total;
            }

            public static string Escape() => "\e[0m";

            public static string Unbound() => nameof(List<>);

            public static Pair Swap(Pair p) => (p.Right, p.Left);

            public static ReadOnlySpan<byte> Utf8 => "abc"u8;
        }

        // User-defined compound assignment and increment operators (C# 14), checked operators.
        public struct Money
        {
            public decimal Amount;

            public void operator +=(Money other) => Amount += other.Amount;

            public void operator ++() => Amount++;

            public static Money operator +(Money a, Money b) => new() { Amount = a.Amount + b.Amount };

            public static Money operator checked +(Money a, Money b) => new() { Amount = checked(a.Amount + b.Amount) };
        }

        public class Ledger(NpgsqlConnection conn)
        {
            public Money Total;

            public void Add(Money m)
            {
                using var tx = conn.BeginTransaction();
                Total += m;
                Total++;
                BackgroundJob.Enqueue(() => Jobs.Notify((long)Total.Amount)); // JS0001
                tx.Commit();
            }
        }

        // Lambdas with modifiers and no types (C# 14), natural function types, ref locals in async methods.
        public delegate bool TryParse<T>(string text, out T result);

        public class Parsing(NpgsqlConnection conn)
        {
            public TryParse<int> Parser = (text, out result) => int.TryParse(text, out result);

            public async Task<int> ReadAsync(int[] values)
            {
                await using var tx = await conn.BeginTransactionAsync();
                ref int first = ref values[0];
                first++;
                var f = (string s) => s.Length;
                var n = f("x");
                BackgroundJob.Schedule(() => Jobs.Notify(n), TimeSpan.FromSeconds(1)); // JS0001
                await tx.CommitAsync();
                return n;
            }
        }

        // JS0005: a connection handed to a job.
        public class Handover(NpgsqlConnection conn)
        {
            public void Run() => BackgroundJob.Enqueue(() => Use(conn)); // JS0005

            public static void Use(NpgsqlConnection c) => Console.WriteLine(c.State);
        }

        // A file-local type, required members, list patterns, switch expressions.
        file class Settings
        {
            public required string Key { get; init; }

            public int Classify(int[] values) => values switch
            {
                [] => 0,
                [var one] => one,
                [_, .., var last] => last,
            };
        }
        """;
}
