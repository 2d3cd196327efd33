import Mustache

/// The dashboard's Mustache templates and style sheet, compiled into the hub
/// so the one executable is all there is to deploy.
///
/// `{{name}}` escapes HTML; only `layout` uses `{{{body}}}`, for a page body
/// that was itself rendered (and escaped) from these templates. No JavaScript:
/// every action is a form post followed by a redirect.
enum DashboardTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in templates {
            // The templates are constants of this file: a parse error is a bug caught by the tests.
            try! library.register(text, named: name)
        }
        return library
    }()

    static let templates: [String: String] = [
        "layout": layout, "login": login, "terminals": terminals, "quarantine": quarantine,
        "review": review, "customers": customers, "customer": customer, "error": error,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Omnisync</title>
        <link rel="stylesheet" href="/dashboard/style.css">
        </head>
        <body>
        <header>
          <span class="brand">Omnisync</span>
          {{#signedIn}}
          <nav>
            {{#nav}}<a href="{{path}}"{{#active}} aria-current="page"{{/active}}>{{label}}{{#badge}} <span class="badge">{{badge}}</span>{{/badge}}</a>{{/nav}}
          </nav>
          <form method="post" action="/dashboard/logout" class="signout"><input type="hidden" name="form" value="{{formToken}}"><button>Sign out</button></form>
          {{/signedIn}}
        </header>
        <main>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{{body}}}
        </main>
        <footer>Rendered {{renderedAt}} by the hub. Personal data is masked unless revealed.</footer>
        </body>
        </html>
        """

    static let login = """
        <section class="login">
        <h1>Sign in</h1>
        <p>Paste the hub's admin token (the file <code>DIR/admin-token</code> on the hub), or open the link
        <code>omnisync-hub dashboard link</code> prints.</p>
        {{#failed}}<p class="error" role="alert">{{failed}}</p>{{/failed}}
        <form method="post" action="/dashboard/login">
          <label for="token">Admin token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required>
          <button>Sign in</button>
        </form>
        </section>
        """

    static let terminals = """
        <h1>Stores and terminals</h1>
        <ul class="tiles">
          {{#states}}<li class="tile state-{{state}}"><span class="count">{{count}}</span> {{label}}</li>{{/states}}
        </ul>
        <ul class="tiles">
          <li class="tile"><a href="/dashboard/quarantine"><span class="count">{{quarantined}}</span> entries in quarantine</a></li>
          <li class="tile"><span class="count">{{quarantinedOrders}}</span> online orders in quarantine</li>
          <li class="tile"><a href="/dashboard/review"><span class="count">{{overdrafts}}</span> overdrafts to review</a></li>
          <li class="tile"><a href="/dashboard/review#offers"><span class="count">{{offerDoubleUses}}</span> offers used twice to review</a></li>
          <li class="tile"><span class="count">{{conflicts}}</span> conflicts logged</li>
          <li class="tile{{#hasStalePriceLists}} state-behind{{/hasStalePriceLists}}"><span class="count">{{stalePriceLists}}</span> on a stale price list ({{priceListVersion}})</li>
        </ul>
        {{#erasurePurgePending}}<p class="error">An erased customer's old data may remain in the database's write-ahead log; the hub retries on its next write.</p>{{/erasurePurgePending}}
        {{^stores}}<p>No terminal is registered yet: <code>omnisync-hub terminals add T-0001 --store STORE</code>.</p>{{/stores}}
        {{#stores}}
        <section class="store">
        <h2>{{store}} <small>{{summary}}</small></h2>
        <div class="scroll"><table>
          <thead><tr><th>Terminal</th><th>State</th><th>Last contact</th><th class="num">Acked</th><th class="num">Backlog</th><th class="num">Clock skew</th><th class="num">Quarantined</th><th>Price list</th></tr></thead>
          <tbody>
          {{#terminals}}
          <tr{{#needsAttention}} class="attention"{{/needsAttention}}>
            <td>{{terminal}}</td>
            <td><span class="pill state-{{state}}">{{stateLabel}}</span></td>
            <td title="{{lastContactAt}}">{{lastContact}}</td>
            <td class="num">{{acknowledgedSeq}}</td><td class="num">{{backlog}}</td><td class="num">{{skew}}</td><td class="num">{{quarantined}}</td>
            <td{{#priceListStale}} class="state-behind"{{/priceListStale}}>{{priceList}}</td>
          </tr>
          {{/terminals}}
          </tbody>
        </table></div>
        </section>
        {{/stores}}
        """

    static let quarantine = """
        <h1>Quarantine</h1>
        <p>Entries stored and acknowledged but not applied. Nothing here is lost; after a fix (a hub upgrade, a corrected
        policy), retry them. <em>Apply as is</em> overrides a policy exception you judged legitimate.</p>
        {{^entries}}<p class="empty">Nothing in quarantine.</p>{{/entries}}
        {{#hasEntries}}
        <form method="post" action="/dashboard/quarantine/retry"><input type="hidden" name="form" value="{{formToken}}"><button>Retry all</button></form>
        {{/hasEntries}}
        {{#entries}}
        <article class="card">
          <h2>{{terminal}} · entry {{seq}} <small>{{kind}}</small></h2>
          <p class="reason">{{reason}}</p>
          <p><small>Customer {{customer}} · since {{since}}</small></p>
          <form method="post" action="/dashboard/quarantine/retry" class="actions">
            <input type="hidden" name="form" value="{{formToken}}">
            <input type="hidden" name="terminal" value="{{terminal}}"><input type="hidden" name="seq" value="{{seq}}">
            <button>Retry</button>
            <button name="accept" value="true" class="secondary">Apply as is</button>
          </form>
        </article>
        {{/entries}}
        """

    static let review = """
        <h1>Overdrafts to review</h1>
        <p>Points redeemed offline in two stores that together left a balance below zero. The goods are gone; approve
        after looking at the stores' clocks and last syncs.</p>
        {{^overdrafts}}<p class="empty">Nothing waits for review.</p>{{/overdrafts}}
        {{#overdrafts}}
        <article class="card">
          <h2>#{{id}} · <a href="/dashboard/customers/{{customer}}">{{customer}}</a></h2>
          <p>{{redeemed}} points redeemed at {{terminal}} ({{store}}, entry {{seq}}) left a balance of {{balance}};
          allowance {{allowance}}: <span class="pill {{#within}}state-in_sync{{/within}}{{^within}}state-offline{{/within}}">{{withinLabel}}</span></p>
          <p><small>Detected {{detected}}</small></p>
          <form method="post" action="/dashboard/review/{{id}}/approve" class="actions">
            <input type="hidden" name="form" value="{{formToken}}">
            <label>Note <input name="note" maxlength="500" placeholder="why it is fine"></label>
            <button>Approve</button>
          </form>
        </article>
        {{/overdrafts}}
        <h1 id="offers">Offers used twice</h1>
        <p>A single-use offer honoured twice: two stores that were both offline, or a store and the web shop; an offer
        the customer did not hold, or a web order outside the offer's window. The sale stands; approve after looking at
        the stores' last syncs.</p>
        {{^offers}}<p class="empty">No offer waits for review.</p>{{/offers}}
        {{#offers}}
        <article class="card">
          <h2>#{{id}} · <a href="/dashboard/customers/{{customer}}">{{customer}}</a></h2>
          <p>Offer of campaign {{campaign}} used by {{sale}}: {{why}}.</p>
          <p><small>Detected {{detected}}</small></p>
          <form method="post" action="/dashboard/review/offers/{{id}}/approve" class="actions">
            <input type="hidden" name="form" value="{{formToken}}">
            <label>Note <input name="note" maxlength="500" placeholder="why it is fine"></label>
            <button>Approve</button>
          </form>
        </article>
        {{/offers}}
        """

    static let customers = """
        <h1>Customers</h1>
        <form method="get" action="/dashboard/customers" class="search">
          <label for="q">Customer id, card, email or phone</label>
          <input id="q" name="q" value="{{query}}" autocomplete="off" required>
          <button>Find</button>
        </form>
        {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
        {{#searched}}{{^matches}}<p class="empty">No customer matches.</p>{{/matches}}{{/searched}}
        {{#matches}}
        <ul class="matches">{{#matches}}<li><a href="/dashboard/customers/{{id}}">{{id}}</a> {{summary}}</li>{{/matches}}</ul>
        {{/matches}}
        """

    static let customer = """
        <h1>Customer {{id}}</h1>
        <p>{{#revealed}}Personal data shown. <a href="/dashboard/customers/{{id}}">Mask it</a>{{/revealed}}{{^revealed}}Personal data masked. <a href="/dashboard/customers/{{id}}?reveal=true">Reveal</a> (logged){{/revealed}}
        · <a href="/dashboard/customers">Another customer</a></p>
        {{#sections}}
        <section class="card">
        <h2>{{title}}</h2>
        <dl>{{#rows}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/rows}}</dl>
        </section>
        {{/sections}}
        """

    static let error = """
        <h1>{{status}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/dashboard">Back to the dashboard</a></p>
        """

    /// Readable from a phone to a wide screen: one column, tables that scroll
    /// sideways inside their box, system fonts, light and dark.
    static let styleSheet = """
        :root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --line: #d8dde3; --muted: #5b6570;
          --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --accent: #0b5cad; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #111418; --card: #1a1f25; --line: #2e353d; --muted: #9aa4ae; --accent: #6cb6ff; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .75rem 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; }
        nav { display: flex; flex-wrap: wrap; gap: .25rem .75rem; flex: 1; }
        nav a { color: var(--accent); text-decoration: none; padding: .25rem 0; }
        nav a[aria-current] { font-weight: 700; border-bottom: 2px solid var(--accent); }
        .badge { background: var(--bad); color: #fff; border-radius: 1rem; padding: 0 .45rem; font-size: .8rem; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        footer { color: var(--muted); font-size: .8rem; text-align: center; padding: 1rem; }
        h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
        h2 small { color: var(--muted); font-weight: 400; }
        a { color: var(--accent); }
        .tiles { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .5rem; }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .75rem; }
        .tile a { text-decoration: none; color: inherit; }
        .count { display: block; font-size: 1.5rem; font-weight: 700; }
        .store, .card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; margin-bottom: 1rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; min-width: 36rem; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
        th { font-size: .85rem; color: var(--muted); font-weight: 600; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.attention td:first-child { border-left: 3px solid var(--warn); }
        .pill { border-radius: 1rem; padding: .1rem .55rem; font-size: .85rem; border: 1px solid currentColor; }
        .state-in_sync { color: var(--ok); } .state-behind, .state-clock_skewed { color: var(--warn); }
        .state-offline { color: var(--bad); } .state-revoked, .state-never_seen { color: var(--muted); }
        .notice { background: var(--card); border-left: 4px solid var(--ok); padding: .5rem .75rem; }
        .error { border-left: 4px solid var(--bad); padding: .5rem .75rem; background: var(--card); }
        .empty { color: var(--muted); }
        .reason { font-family: ui-monospace, monospace; font-size: .9rem; overflow-wrap: anywhere; }
        form.actions, form.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
        .signout { margin: 0; }
        input { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: .35rem; background: var(--bg); color: var(--fg); min-width: 0; }
        .search input, .login input { width: 100%; max-width: 28rem; display: block; margin: .25rem 0 .5rem; }
        button { font: inherit; padding: .4rem .9rem; border-radius: .35rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
        button.secondary, .signout button { background: transparent; color: var(--accent); }
        .login { max-width: 30rem; margin: 2rem auto; }
        dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; margin: 0; }
        dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
        .matches { padding-left: 1.2rem; }
        @media (max-width: 40rem) { nav { order: 3; flex-basis: 100%; } main { padding: .5rem; } dl { grid-template-columns: 1fr; } dd { margin-bottom: .4rem; } }
        """
}
