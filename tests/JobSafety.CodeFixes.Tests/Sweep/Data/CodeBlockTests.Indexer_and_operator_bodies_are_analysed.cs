using System;
using System.Net.Http;
using Npgsql;
public class Money
{
    public static NpgsqlConnection Conn = null!;
    public static HttpClient Http = null!;

    public int this[int i]
    {
        get
        {
            using var tx = Conn.BeginTransaction();
            _ = Http.GetAsync("https://example.invalid/" + i);
            tx.Commit();
            return i;
        }
    }

    public static Money operator +(Money a, Money b)
    {
        using var tx = Conn.BeginTransaction();
        _ = Http.GetAsync("https://example.invalid/");
        tx.Commit();
        return a;
    }
}