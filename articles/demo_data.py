"""Demo content for `manage.py load_demo`: original text written for this project."""

SECTIONS = [
    {
        "slug": "long-exposure",
        "name": "Long Exposure",
        "description": "Essays that read present-day policy against the slow record of history.",
    },
    {
        "slug": "field-notes",
        "name": "Field Notes",
        "description": "Reported essays from particular places, where policy meets daily life.",
    },
    {
        "slug": "working-paper",
        "name": "The Working Paper",
        "description": "Arguments for specific reforms, with the trade-offs set out plainly.",
    },
]

TOPICS = [
    {
        "slug": "cities",
        "name": "Cities",
        "description": "How urban places are planned, governed and lived in.",
    },
    {
        "slug": "energy",
        "name": "Energy",
        "description": "Power, heat and the institutions that decide how we get them.",
    },
    {
        "slug": "water",
        "name": "Water",
        "description": "Supply, scarcity and the infrastructure that brings water to the tap.",
    },
    {
        "slug": "trade",
        "name": "Trade",
        "description": "The movement of goods and the politics of what crosses borders.",
    },
    {
        "slug": "technology",
        "name": "Technology",
        "description": "Digital and physical tools, and the rules that govern their use.",
    },
    {
        "slug": "education",
        "name": "Education",
        "description": "Schools, libraries and the public systems that help people learn.",
    },
    {
        "slug": "history",
        "name": "History",
        "description": "What the past can and cannot tell us about present decisions.",
    },
    {
        "slug": "democracy",
        "name": "Democracy",
        "description": "Representation, participation and the legitimacy of public decisions.",
    },
]

AUTHORS = [
    {
        "slug": "ines-carvalho",
        "name": "Inés Carvalho",
        "bio": (
            "Inés Carvalho writes about cities, transport and the everyday politics of public "
            "space. Before joining the column she spent a decade as a municipal planner, an "
            "experience she describes as an education in patience."
        ),
    },
    {
        "slug": "zoe-hartmann",
        "name": "Zoë Hartmann",
        "bio": (
            "Zoë Hartmann is an energy economist who studies how tariffs, standards and "
            "ownership shape the transition to clean power. She is especially interested in "
            "policies that reach the households markets tend to overlook."
        ),
    },
    {
        "slug": "miroslava-drozd",
        "name": "Мирослава Дрозд",
        "bio": (
            "Мирослава Дрозд is an essayist and former local-government researcher who writes "
            "about memory, households and infrastructure. She grew up between a city flat and "
            "a garden plot, and still has strong views on apple trees."
        ),
    },
    {
        "slug": "tomas-okafor",
        "name": "Tomás Okafor",
        "bio": (
            "Tomás Okafor reports on trade, logistics and the institutions that hold cities "
            "together. His essays usually begin in one specific place — a quay, a library, a "
            "depot — and work outward to policy."
        ),
    },
    {
        "slug": "halvard-lindqvist",
        "name": "Halvard Lindqvist",
        "bio": (
            "Halvard Lindqvist is a historian of public works and fiscal institutions. He "
            "writes about the long lives of infrastructure and the short memories of the "
            "governments that own it."
        ),
    },
]

ESSAYS = [
    {
        "slug": "quiet-arithmetic-of-bus-lanes",
        "title": "The Quiet Arithmetic of Bus Lanes",
        "standfirst": (
            "A painted lane costs almost nothing and can move more people than any tunnel a "
            "city can afford. The hard part is not the engineering — it is persuading the "
            "people who lose a parking space that anyone has gained something."
        ),
        "section": "working-paper",
        "authors": ["ines-carvalho"],
        "topics": ["cities", "democracy"],
        "days_ago": 11,
        "status": "published",
        "body": """Every council meeting about a bus lane follows the same script. A transport officer presents a map with a red stripe on it. A shopkeeper stands up and says the street will die. A cyclist says the lane should have been protected. Someone asks why the buses are always empty, and someone else answers that they are empty because they are always late. Then the item is deferred to the next session, and the one after that, until the budget year closes and the stripe stays on the map.

It is worth pausing on how strange this is. Of all the things a city can do to move people, a bus lane is among the cheapest. It needs paint, a few signs, some camera enforcement and a change to the signal timings. It does not need a tunnel boring machine or a twenty-year bond. On a busy corridor, a single lane given to buses can carry several times as many people per hour as the same lane given to private cars. The arithmetic is not really in dispute. What is in dispute is who gets to do the counting.

## The visible loss and the invisible gain

The trouble with a bus lane is that its costs are concentrated and visible while its benefits are diffuse and, for the most part, invisible. The shopkeeper can point to the exact spot where her delivery van used to stop. The bus rider who saves six minutes each way does not experience those minutes as a gift; she experiences them as the absence of an annoyance she had long since stopped noticing. Nobody writes to a councillor to say that their commute was unremarkable this week.

This asymmetry has a predictable political effect. Those who lose something show up. Those who gain something stay home, because they do not yet know that they will gain, and because they are — quite often — working the evening shift that the bus was supposed to get them to on time. A public meeting held at seven in the evening on a weekday is not a neutral instrument for measuring opinion. It samples the people who have the time to attend.

## Measuring the right thing

Cities that have managed to build bus lanes without years of trench warfare tend to share a few habits. None of them is glamorous.

- They publish journey-time data before and after, corridor by corridor, and keep publishing it long after the ribbon has been cut.
- They run trials with temporary materials — plastic kerbs, movable planters — so that the decision is about evidence rather than prophecy.
- They talk to businesses about loading windows early, and treat deliveries as a design problem rather than as an objection to be overruled.
- They count the people on the bus, not just the vehicles in the street.

That last point sounds trivial, but it is not. Traffic models built for a car-dominated era measure *vehicles*, and a bus carrying sixty passengers registers as one vehicle, roughly equivalent to a van. Under that accounting, giving a lane to buses looks like a loss of capacity. Count people instead and the picture inverts. The choice of unit is not a technical detail; it quietly settles the argument before anyone has spoken.

## What the shopkeeper is right about

It would be easy to end there, with the shopkeeper cast as the villain of a parable about evidence. But she is often right about something important. Transitions hurt, and they hurt small businesses first. A month of roadworks, a confusing new signal phase or a loading bay moved around the corner can be the difference between a good quarter and a bad one for a shop with thin margins. Telling her that footfall tends to rise on streets with good public transport is true on average and useless to her on a wet Tuesday in March.

A city that takes its own arithmetic seriously should also take her arithmetic seriously. That means compensation during works, clear and early communication, and a willingness to adjust the design when a trial reveals a genuine problem. It also means admitting, in public, when a lane has not worked. A corridor where journey times did not improve is data, not an embarrassment, and hiding it only teaches residents to distrust the next set of figures.

> A bus lane is a small promise made in paint: that the person on the bus will not be made to wait for the person in the car.

That promise is modest. It does not require anyone to give up their car, and it does not require the city to predict the future. It only requires the council to decide that an hour of a bus passenger’s time is worth as much as an hour of a driver’s. Put like that, it is hard to argue against. Put as a red stripe on a map at seven in the evening, it is surprisingly easy.

The lesson for reformers is not that they need better maps. It is that they need a better room — one where the people who would benefit are counted even when they cannot attend, and where the people who would lose are heard without being handed a veto. Building that room is harder than painting the lane. It is also the only way the lane ever gets painted.
""",
    },
    {
        "slug": "what-the-aqueduct-remembers",
        "title": "What the Aqueduct Remembers",
        "standfirst": (
            "Old water systems were built by people who expected to be judged by their "
            "grandchildren. Modern utilities, managed in five-year cycles, could learn "
            "something from that vanity — and from the keeper nobody remembers."
        ),
        "section": "long-exposure",
        "authors": ["halvard-lindqvist"],
        "topics": ["water", "history", "cities"],
        "days_ago": 52,
        "status": "published",
        "body": """On the edge of the town of Cendrera there is an aqueduct that nobody uses. It crosses a shallow valley on thirty-one arches, each a little narrower than the last, so that from the hillside it looks as though the structure is walking away from you. The channel along the top has been dry for most of a century. Children dare each other to walk along it, and the municipality, after several decades of half-hearted fencing, has more or less given up trying to stop them.

What strikes the visitor is not the engineering, impressive as it is, but the confidence. The people who built it expected it to be there for a very long time. They cut the stone to last, and they carved the names of the magistrates who had paid for it into the keystone of the central arch, where centuries of weather have softened the letters without quite erasing them. This was infrastructure as a message to the future: *we were here, we did this, judge us by it*.

## The vanity of builders

It is fashionable to be a little cynical about that kind of monument. The magistrates of Cendrera were not saints; they were local grandees who wanted to be remembered, and the aqueduct was also a way of showing rival towns who had the money. But vanity, pointed in the right direction, is a useful civic force. A person who expects to be judged by their grandchildren will build differently from one who expects to be judged at the next election.

Modern water utilities are not, for the most part, run by vain people. They are run by careful engineers and finance officers working within regulatory periods of five years or so, and the incentives of those periods are specific. Spending on new capacity is visible and can be announced. Spending on renewal — replacing a cast-iron main before it bursts rather than after — is invisible by design. If it is done well, nothing happens. Nobody carves a name into a pipe that did not fail.

## The ledger that nobody keeps

The result, in many cities, is a slow accumulation of deferred maintenance that does not appear on any balance sheet in a form a voter would recognise. A network of pipes laid in a burst of enthusiasm in one generation reaches the end of its life in a single, inconvenient wave two or three generations later. Leakage creeps upward a percentage point at a time. Each year the shortfall is small enough to be absorbed. Together, the years compound into a bill that someone eventually has to pay, usually in a hurry and usually at a premium.

Historians of infrastructure sometimes describe this as the difference between *building* and *keeping*. Building is an event. Keeping is a practice, and practices are hard to fund because they never finish. The builders of Cendrera seem to have understood this better than we might assume: the town’s records mention a paid keeper of the aqueduct, with a small house at its upper end, whose job was to clear silt, patch mortar and report cracks to the council. The post was abolished when the town was connected to a regional reservoir. Within twenty years the channel had been breached in three places.

## Accounting for the grandchildren

What would it mean to run a water system as if the grandchildren were watching? A few practical answers suggest themselves.

First, utilities could publish not only what they spend but the estimated condition of what they own — the average age of their mains, the share past its design life, the rate of replacement compared with the rate of decay. A replacement rate that implies each pipe will be changed once every three hundred years is a policy choice, and it should be visible as one.

Second, regulators could treat renewal as a form of capacity rather than as a cost to be minimised. Water that does not leak is water that does not need to be found, pumped or treated. In a drying climate, that is worth as much as any new reservoir, and it comes without the arguments about flooding somebody’s valley.

Third, and least technical, cities could find ways to make keeping honourable again. The keeper of the Cendrera aqueduct had a house with a view, a modest salary and, one suspects, a certain standing in the town. Today the people who maintain our water networks work in the small hours, in trenches, behind traffic cones that everyone resents. Their work is the reason the tap runs. We might at least learn their names.

> The arches were built for the magistrates. The aqueduct stood because of the keeper.

Standing under the central arch, reading the worn names of men who have been dead for three hundred years, it is hard not to feel that the real monument is missing. There is no stone for the keeper. There never is. That absence is, in its quiet way, the whole problem.
""",
    },
    {
        "slug": "grid-that-learned-to-wait",
        "title": "The Grid That Learned to Wait",
        "standfirst": (
            "For a century, electricity systems were built to supply whatever demand appeared, "
            "the instant it appeared. The cheapest power plant of the next decade may turn out "
            "to be a rule that lets a water heater wait twenty minutes."
        ),
        "section": "working-paper",
        "authors": ["zoe-hartmann"],
        "topics": ["energy", "technology"],
        "days_ago": 90,
        "status": "published",
        "body": """For most of its history the electricity grid has been an exercise in obedience. Somewhere, a person flicks a switch, and somewhere else — within a fraction of a second — a generator works a little harder to meet the new demand. The whole system, with its control rooms and forecasts and reserve plants idling on standby, exists so that nobody on the demand side ever has to think about it. Supply follows demand. That was the deal.

It was a good deal, as long as supply could be turned up and down at will. A coal or gas plant can be asked to produce more, at a price, and it will. Wind and sunlight cannot be asked. They arrive when they arrive. As their share of the mix grows, the old arrangement becomes expensive: every hour in which demand refuses to move is an hour in which something, somewhere, must be held in reserve to cover the gap between what the weather provides and what people want.

## Loads that do not mind

The interesting discovery of the past decade is how much demand does not actually care about timing. A household water heater needs to be hot by the morning; whether it heats at two o’clock or at four makes no difference to anyone. An electric car parked overnight needs to be charged by seven; it does not need to be charged at the moment it is plugged in. A cold store can let its temperature drift by a degree and recover later. A municipal pumping station can fill its tanks when power is cheap and coast when it is dear.

None of this is new technology. Time-of-use tariffs and radio-controlled storage heaters have existed for decades. What has changed is the scale at which such loads can be coordinated and the precision with which they can respond. Thousands of small devices, each shifting a little, can add up to something that looks to the grid operator very much like a power plant — except that it produces nothing. It simply declines, politely, to consume at the wrong moment.

## The trust problem

The engineering is tractable. The harder question is consent. A grid that can ask your heater to wait is a grid that can, in principle, decide when your home is warm. People are right to be wary of handing that kind of control to a utility, an aggregator or an app whose business model they do not understand. The history of consumer technology has given them plenty of reasons for suspicion.

A framework that deserves public trust would, at a minimum, have four features:

- **A clear floor.** Devices must guarantee a service level — hot water by seven, a car at eighty per cent by morning — that the household chooses and the system cannot override.
- **An easy exit.** Opting out of a single event, or out of the scheme entirely, should take one action and carry no penalty beyond the forgone reward.
- **Open standards.** A heat pump bought today should not be locked to a single company’s platform for the next fifteen years.
- **Fair rewards.** The value of flexibility should reach the people providing it, not only the intermediaries who bundle it together.

That last point matters more than it first appears. Households with modern appliances, driveways and smart meters are best placed to earn money from flexibility. Households in older rented flats, with storage heaters they did not choose and cannot replace, may end up paying for the grid upgrades that flexibility was supposed to avoid. A policy that makes the grid cheaper on average while making it dearer for the poorest customers is not a success, whatever the system-wide figures say.

## Designing for patience

There is a broader lesson here about how infrastructure shapes expectations. The instant-supply grid taught a century of consumers that electricity is a kind of natural right, always there, never to be thought about. That was a real achievement and it would be foolish to throw it away. But it also hid the cost of impatience. Every kilowatt demanded at the evening peak is among the most expensive in the system, and for decades almost nobody saw that price.

A grid that learns to wait does not require people to become amateur energy traders. The best flexible systems are invisible most of the time: the heater simply heats at night, and the bill is a little lower. What changes is the assumption underneath. Supply no longer follows demand unconditionally. The two meet somewhere in the middle, and the meeting is negotiated by millions of small devices acting on rules that people have agreed to — and can withdraw from.

For policymakers, the practical agenda is unglamorous: tariff reform, device standards, data-access rules and consumer protection, set out at greater length in our [working paper on flexible demand](https://example.org/papers/flexible-demand). None of it will be opened with a ribbon. All of it may turn out to be cheaper than the power plants it makes unnecessary.
""",
    },
    {
        "slug": "notes-on-the-dacha",
        "title": "Notes on the “дача”: A Garden Plot as a Welfare State",
        "standfirst": (
            "For three generations of one family, a small plot of land outside the city was a "
            "holiday, an insurance policy and a permanent argument. What the humble garden "
            "plot teaches about resilience that no ministry ever planned."
        ),
        "section": "field-notes",
        "authors": ["miroslava-drozd"],
        "topics": ["history", "cities"],
        "days_ago": 131,
        "status": "published",
        "body": """My grandmother measured the year in potatoes. In April she cut the seed potatoes into pieces, each with an eye, and dusted the cut faces with ash from the stove. In May she planted them, on a long weekend that the whole family was expected to attend, in a plot of land an hour and a half by suburban train from the city where she lived. In September we dug them up. The number of sacks was discussed at dinner for weeks afterwards, with the seriousness other families reserved for exam results.

The plot — six hundred square metres, a wooden house the size of a generous garden shed, a water barrel, a row of currant bushes and an apple tree that produced more opinions than apples — was what everyone called the *dacha*. The word is usually translated as “country cottage”, which conjures something leisurely, with deckchairs. Ours was not leisurely. It was a small agricultural enterprise run by pensioners and staffed, on weekends, by reluctant grandchildren.

## A holiday, an insurance policy

Historians of the late Soviet decades describe the garden plot as a curious compromise. Small parcels of land were distributed through workplaces and associations, with rules about what could be built on them, and then people were more or less left to get on with it. For many families it was the only piece of land they would ever control, however loosely. It was a place to go in summer, a place to keep tools and old furniture, a place to be out of earshot of the neighbours.

It became something more than that in the years when the larger systems faltered. When wages arrived late and shop shelves were unreliable, the garden plot quietly turned into a food supply. Jars of pickled cucumbers, jam and preserved tomatoes lined the shelves of city flats through winters that would otherwise have been much harder. Nobody planned this. No ministry issued a directive saying that household resilience would rest on pensioners with spades. It simply happened, because the plots were there and the skills had not yet been forgotten.

## What planners miss

I have thought about my grandmother’s potatoes often while reading policy documents about urban resilience. They tend to focus, understandably, on large systems: supply chains, strategic reserves, redundant power lines. These matter. But the garden plot suggests that resilience also lives in small, distributed, slightly inefficient arrangements that look wasteful in good years and prove their worth in bad ones.

Seen from a planner’s desk, a belt of tiny gardens around a city is hard to justify. The land could hold housing. The produce is trivial compared with commercial agriculture. The huts are often of doubtful legality and the water supply is improvised. Every tidy metric says the land should be put to better use.

And yet the same is true of many things we later wish we had kept — the neighbourhood workshop, the branch library, the local clinic. Each looks like surplus until the moment it is the only thing left. A city’s capacity to absorb shocks is not only in its warehouses. It is in the knowledge, tools and habits scattered across its residents, and in the small places where those habits are kept alive from one generation to the next.

## The argument at the apple tree

I should not romanticise it. The dacha was also the site of endless family conflict. My grandmother and my mother disagreed for twenty years about whether to replace the currants with a lawn. My uncle wanted to sell the plot and buy a car. The apple tree was pruned, unpruned and re-pruned according to whoever had visited last. It was, in other words, a small democracy, with all the tedium that implies.

When my grandmother died, the family did sell it. The buyers, a young couple from the city, dug up the potato beds and sowed a lawn, exactly as my mother had always wanted. I visited once, a year later. The house had been painted, the water barrel replaced by an electric pump, and the apple tree — to my surprise — was still standing, heavy with fruit that nobody had picked.

> A garden is a wager that someone will still be here to eat what it grows.

Many cities now have waiting lists for allotments and community gardens, often years long. The demand is not mainly for food; it is for the things the dacha gave my grandmother besides potatoes — a patch of ground, a reason to go outside, a neighbour over the fence to argue with. That is worth planning for, even if it never shows up in a resilience index. Especially then.
""",
    },
    {
        "slug": "port-after-the-boxes-leave",
        "title": "The Port After the Boxes Leave",
        "standfirst": (
            "When the container terminal moved downriver, the old harbour became a waterfront "
            "of flats and coffee. The trade did not disappear — it simply stopped being "
            "something the city could see."
        ),
        "section": "field-notes",
        "authors": ["tomas-okafor"],
        "topics": ["trade", "cities"],
        "days_ago": 170,
        "status": "published",
        "body": """The harbour in Port Selwyn used to announce itself by smell. Tar, diesel, wet rope and, on certain days, the sweet rot of a cargo of fruit that had waited too long at anchor. People who grew up in the streets above the docks describe it with a mixture of disgust and longing, the way one might describe a difficult relative. Nobody says the smell was pleasant. Everybody says they miss it.

The smell left with the ships. Over two decades the port authority moved its container operations twelve kilometres downriver, to a deep-water terminal built on reclaimed marshland, where the cranes are taller, the channel is dredged deeper and the number of people needed to move a box from ship to lorry has fallen dramatically. The old quays were sold, in stages, to developers. Today they hold apartments with balconies, a food hall in a converted warehouse, a maritime museum and a great many places to buy coffee.

## Trade without a witness

It would be easy to tell this as a story of decline, and for a generation of dockworkers it was exactly that. But the volume of goods passing through Port Selwyn did not fall. It rose, considerably. What changed was not how much the city traded but whether the city could see itself trading.

That distinction matters more than it sounds. For most of history, trade was a visible, physical presence in the places that depended on it. You could stand on a quay and watch the city’s economy being unloaded. Arguments about tariffs and trade deals had a concrete referent: those ships, those cranes, those jobs. When the terminal moved downriver and the work became automated, the referent vanished. Trade became a number in a port authority’s annual report — a large number, growing every year, that almost nobody in the city read.

I have come to think that this invisibility has political consequences. People find it hard to defend, or to reform, what they cannot see. The container made goods cheaper almost everywhere, and in doing so it moved the physical business of trade to places designed to be out of sight: edge-of-town terminals, inland logistics parks, distribution sheds beside motorway junctions. Citizens experience trade as prices on a shelf and, sometimes, as a factory that closed. They rarely experience it as a place.

## Who got the waterfront

The redevelopment of the old docks was, by most measures, a success. The buildings are handsome, the promenade is busy at weekends and the tax receipts are healthy. But it is worth asking who the waterfront now belongs to.

The families who lived in the terraces above the docks — the ones who remember the smell — mostly do not live there any more. Rising values pushed many of them out to estates further from the water. The new residents are, on average, younger, richer and employed in offices rather than on quays. The museum tells the story of the port with care, including the strikes, the accidents and the long decline of dock labour. Few of the people whose grandparents appear in its photographs can afford to live within sight of it.

This is not an argument against redevelopment. Empty warehouses do no one any good, and cities that left their old docklands derelict have paid for it. It is an argument for noticing what the transformation replaced. A working waterfront was a place where people without degrees could earn a decent wage within walking distance of home. The new waterfront offers service jobs, many of them part-time, and leaves the better-paid logistics work to a terminal that most residents have never visited.

## Making trade visible again

What might a city do? A few modest ideas come up when you talk to people in Port Selwyn. Some want a public viewing platform at the new terminal, so that schoolchildren can see where their trainers and telephones arrive. Some want a share of port revenues set aside for the neighbourhoods that lost the docks. Some want the port authority to hold its annual meeting in public, in the town hall, rather than in a conference room beside the container stacks.

None of these would change the underlying economics. They might change the conversation. A city that can see its trade is more likely to argue about it intelligently — about which jobs it creates, where, and for whom — and less likely to be swept along by slogans about it.

On my last visit I walked the old quay at dusk. A couple were photographing the sunset from a bench bolted where a bollard used to be. Downriver, beyond the bend, the cranes of the new terminal were lit up like a distant city, working through the night. From the promenade you could just make them out. Nobody was looking.
""",
    },
    {
        "slug": "school-calendar-is-a-policy-choice",
        "title": "The School Calendar Is a Policy Choice",
        "standfirst": (
            "The shape of the school year looks like a fact of nature. It is really a bundle "
            "of old compromises — about heat, health, religion and childcare — that few "
            "places have revisited in a very long time."
        ),
        "section": "working-paper",
        "authors": ["zoe-hartmann", "ines-carvalho"],
        "topics": ["education", "history"],
        "days_ago": 214,
        "status": "published",
        "body": """Ask a room of parents why children have a long summer holiday and someone will say it is because they were once needed on the farm. It is a satisfying story. It makes the modern calendar sound like a quaint leftover, a fossil of rural life preserved in the timetables of suburban schools. It is also, according to many historians of education, mostly wrong — or at least much too simple.

In many places the long summer break took hold not in the countryside but in the growing cities of the nineteenth century, where classrooms were stifling in July, where wealthier families left town for the season and where reformers worried about the health of children packed into badly ventilated buildings. Rural schools, by contrast, often arranged their terms around planting and harvest, which could mean breaks in spring and autumn rather than a single long gap in the middle of the year. The calendar we inherited is less a farming relic than a negotiated settlement among doctors, administrators, churches, teachers and families, each with their own reasons.

## A bundle of compromises

That matters, because a negotiated settlement can be renegotiated. A fact of nature cannot. When the school year is treated as a given, its costs become invisible. When it is treated as a policy, those costs can at least be weighed.

And the costs are real. Consider who absorbs a long summer holiday in households where every adult works:

- families who can afford camps, courses or a grandparent with a garden cover the weeks without much trouble;
- families who cannot often piece together informal care from relatives and neighbours, or leave older children in charge of younger ones;
- employers in sectors with little flexibility see absences and reduced hours spike in the same weeks every year;
- children whose most reliable meal is eaten at school may go without it for a month or more.

None of this means the summer holiday is bad. Children need rest, and so do teachers, whose workload during term is heavy and routinely underestimated. Time away from school can be a time of unstructured play, family travel and the kind of slow, curious learning that a timetable struggles to accommodate. The point is that the *benefits* of the break are unevenly distributed, and that the distribution tracks household income rather closely.

## What the evidence does and does not say

A great deal has been written about “summer learning loss”, the idea that pupils forget over the break much of what they learned during the year. The research here is genuinely mixed. Some studies find meaningful declines, particularly in mathematics and particularly for children from poorer households; others, using different tests and methods, find smaller effects or none at all. The honest summary is that the size of the problem is debated, while the direction of the inequality — that better-off children tend to fare better over long breaks — is much less so.

This is a familiar situation in education policy: the evidence is strong enough to justify concern and too weak to justify certainty. It is precisely the situation in which careful trials are more useful than sweeping reforms.

## Redesigning without revolution

Several school systems have experimented with “balanced” calendars that keep the total number of teaching days roughly constant but redistribute them — a shorter summer, longer breaks in autumn and spring. Accounts of such pilots tend to describe modest benefits and modest disruptions. Teachers sometimes welcome the more frequent rest; parents sometimes struggle with more frequent childcare gaps; local tourism businesses often object loudly.

We would suggest three principles for any region thinking about change. First, decide what problem is being solved. A calendar designed to reduce childcare costs will look different from one designed to reduce learning loss or to ease teacher burnout. Second, trial before scaling, with clear measures agreed in advance and published whatever they show. Third, pay attention to the services around the school — holiday clubs, meal programmes, libraries and sports centres — because these can often address the worst effects of a long break at far lower cost than redesigning the year.

> The calendar is not a clock that runs by itself. Someone set it, and someone can reset it.

The school year feels permanent because it structures so much else: family holidays, public transport timetables, the rhythms of entire industries. That permanence is an illusion, but it is a powerful one, and any reformer who ignores it will fail. The task is not to tear the calendar up. It is to look at it clearly, as the set of choices it is, and to ask whether those choices still serve the children they were meant for.
""",
    },
    {
        "slug": "salt-tariffs-and-the-long-memory-of-taxes",
        "title": "Salt, Tariffs and the Long Memory of Taxes",
        "standfirst": (
            "Few taxes have been as hated, or as durable, as the levy on salt. Its history is a "
            "warning to any government that imagines a tax hidden in the price of everyday "
            "goods will stay politically invisible for ever."
        ),
        "section": "long-exposure",
        "authors": ["halvard-lindqvist", "miroslava-drozd"],
        "topics": ["trade", "history", "democracy"],
        "days_ago": 255,
        "status": "published",
        "body": """Salt is an odd thing to build a state on, but many states have tried. It is essential to human life and to the preservation of food; it is found in a limited number of places; it is bulky enough to travel along a few predictable routes. For a ruler in need of revenue, those three facts add up to an irresistible opportunity. Control the source or the road, add a charge, and every household in the realm becomes a taxpayer whether it likes it or not.

Salt levies turn up in the fiscal records of kingdoms and empires on several continents, sometimes as a simple duty, sometimes as a full state monopoly with official warehouses, licensed sellers and even compulsory purchase quotas. Treasuries liked them because they were hard to avoid and easy to collect. Subjects hated them for exactly the same reasons.

## The tax you eat

What made salt taxes so politically combustible was not their size but their texture. A tax on land or on income falls, at least in principle, on people who have land or income. A tax on salt falls on everybody who eats, and it falls hardest on those whose diets depend on preserved food — the rural poor, fishing communities, households far from markets. It is regressive in the most literal sense: the less you have, the larger the share of it the tax consumes.

It was also unusually *visible*. Anyone who bought salt knew what it had cost the year before and could guess where the difference had gone. Smugglers moved it along back roads and were, in many places, treated as folk heroes rather than criminals. The officials sent to enforce the monopoly became figures of loathing in songs and stories. Over generations, the tax stopped being an entry in a ledger and became a symbol — of distant rulers, of unfairness, of a state that reached into the kitchen.

## Hidden levies, long memories

It is tempting to think this is a problem of the past. Modern tax systems are more sophisticated, and the fiercest salt monopolies were dismantled long ago. But the underlying dynamic has not gone anywhere. Governments still look for revenue that is easy to collect and hard to avoid, and they still sometimes find it in the prices of everyday goods.

Tariffs are the clearest contemporary example. A tariff is, in economic terms, a tax on imports, and a substantial share of its cost usually ends up with the people who buy the imported goods or their domestic substitutes. Yet tariffs are rarely described to the public as taxes. They are presented as tools of trade strategy, of national security, of retaliation. The households that pay them see only prices that have risen for reasons nobody has quite explained.

This is where the salt tax offers a warning. A levy that is hidden at first does not stay hidden for ever. People are not economists, but they are not fools either; over time they notice what things cost, and they form theories about why. If governments do not provide an honest account, others will happily provide a dishonest one. The resentment that follows can be out of all proportion to the sums involved, because it is not really about the sums. It is about the sense of having been taxed without being told.

## A democratic test

There is a principle in democratic finance, older than most modern constitutions, that people should be able to see the taxes they pay and hold someone responsible for them. It is one of the reasons assemblies first gained power over budgets: rulers who needed money had to ask for it, and in asking they had to explain. Taxes that bypass that conversation — levied by decree, folded invisibly into prices, justified by something other than revenue — erode the bargain on which consent rests.

We do not argue that every tariff is illegitimate, or that every consumption tax is a modern salt monopoly. Some tariffs serve real purposes, and broad consumption taxes can be designed with rebates and exemptions that protect poorer households. Our argument is narrower. Whatever a government chooses to tax, it should say so plainly, estimate who pays, and submit that estimate to public debate before the tax takes effect rather than after.

> The most expensive tax is the one a government pretends it has not levied.

The old salt roads have mostly been paved over, and the warehouses where officials once weighed out the monopoly’s product have become museums, hotels and, in one case we visited, a rather good restaurant. But the memory lingers in proverbs and place names, and in a certain folk suspicion of any state that reaches too quietly into the household budget. It is a memory worth consulting before the next quiet tax is introduced.
""",
    },
    {
        "slug": "twelve-evenings-in-vallmora",
        "title": "Twelve Evenings in Vallmora: Notes From a Citizens’ Assembly",
        "standfirst": (
            "A small town asked forty randomly chosen residents to decide what to do about a "
            "shrinking reservoir. The result was not consensus. It was something more useful."
        ),
        "section": "field-notes",
        "authors": ["ines-carvalho"],
        "topics": ["democracy", "water"],
        "days_ago": 297,
        "status": "published",
        "body": """The letter arrived in late winter, on heavy paper with the town crest at the top. It informed Núria Castells, a retired pharmacist, that she had been selected at random from the electoral roll of Vallmora to join a citizens’ assembly on the future of the town’s water supply. She would be paid a modest fee for twelve evening sessions. Childcare and transport would be provided. She was free to decline.

“I nearly did,” she told me, some months later, over coffee in the square. “I thought it would be the usual people shouting at the usual people. Then I read the list of topics and realised I didn’t know anything about where our water comes from. I was embarrassed. So I went.”

## A reservoir and a town

Vallmora, a town of around nine thousand people in a dry inland valley, draws most of its water from a reservoir in the hills above it. In recent years the reservoir has rarely filled. Summers are longer and hotter; winter rains are less reliable; the town has grown, and so has its appeal to visitors who come for the walking trails and the food. By the time the assembly was convened, the municipal water company had imposed restrictions in three of the previous five summers, each time to loud complaint.

The council had tried the conventional routes. There had been public consultations, attended mainly by farmers, hoteliers and a group of residents opposed to a proposed golf development. There had been an engineering study recommending a pipeline from a neighbouring basin, at a cost the town could not easily afford. There had been an election in which every candidate promised to protect the water and none explained how.

An assembly was, in part, an admission of exhaustion. The mayor, Joaquín Ferrer, put it to me bluntly: “We had run out of ways to make this decision without making half the town furious. So we thought: let the town make it.”

## Twelve evenings

The forty members were chosen by lot, weighted so that the group roughly matched the town by age, sex, neighbourhood and occupation. There were farmers and hotel workers, students and pensioners, a plumber, a schoolteacher, two people who described themselves as unemployed and one who described himself, to general amusement, as “between opinions”.

The first four evenings were devoted to learning. Hydrologists explained the reservoir’s catchment. An engineer from the water company walked the group through the network, including the uncomfortable fact that a sizeable share of treated water was leaking from ageing pipes before it reached any tap. Farmers described their irrigation schedules; hoteliers shared their consumption figures. Anyone could ask questions, and the facilitators made sure the quiet members did.

The middle evenings were the hardest. Small groups worked through options and their trade-offs. Several participants described a turning point when the discussion shifted from *who is to blame* to *what can we actually afford*. “It stopped being farmers against hotels,” said one member, a young chef. “It became all of us against the leaking pipes.”

## What they decided

The assembly’s final report, published on the town’s website, ran to thirty pages. Its main recommendations were:

- a programme to repair the worst-leaking mains before any new supply was sought, funded partly by a small increase in the standing charge;
- a tiered tariff in which the first block of household water stayed cheap and higher consumption paid progressively more;
- a moratorium on new private swimming pools until the reservoir reached a defined level in three consecutive springs;
- a standing panel of residents, also chosen by lot, to review the water data every year.

Not every recommendation passed unanimously. The pool moratorium divided the room, and the minority view was recorded in full. The pipeline was not rejected outright but deferred until the results of the repair programme were known.

## Something more useful than consensus

It would be too neat to call the assembly a triumph. The council adopted most, but not all, of its recommendations; the tiered tariff was softened after lobbying from the hotel association. Some residents dismissed the whole exercise as a way for politicians to avoid responsibility. A few members told me they felt their time had been well spent but their influence had been limited.

But something did change. When restrictions came again the following summer, the complaints were noticeably quieter. People knew why the restrictions existed, and many knew someone who had helped design them. The leak repairs had begun, and the water company was publishing monthly progress figures — the first time it had ever done so.

“It didn’t make us agree,” Núria said. “It made us understand why we disagree. That’s different. I think it’s better.”
""",
    },
    {
        "slug": "the-library-is-infrastructure",
        "title": "The Library Is Infrastructure",
        "standfirst": (
            "We fund public libraries as a cultural amenity, like a museum or a bandstand. In "
            "practice they have become something closer to a utility — the place where a "
            "city’s digital divide is quietly patched, one borrowed laptop at a time."
        ),
        "section": "long-exposure",
        "authors": ["tomas-okafor"],
        "topics": ["education", "technology", "cities"],
        "days_ago": 351,
        "status": "published",
        "body": """At ten o’clock on a weekday morning, the Eastgate branch library is busier than most of the shops on its street. A man in a hi-vis jacket is printing a form that a government website told him to “download and complete”. Two teenagers share a table and a charger. An elderly woman is being shown, patiently, how to attach a scanned document to an email so that her pension provider will accept it. In the corner, a row of desktop computers is fully occupied, and a whiteboard by the door lists the afternoon’s time slots, most of them already taken.

Very few of these people are borrowing books. Some will, later; the children’s corner fills up after school, and the new-fiction shelf empties steadily through the week. But the library’s core function, on a morning like this, is something its founders would barely recognise. It is a public access point for a society that has moved much of its essential business online and assumed, wrongly, that everyone came along.

## From improvement to access

The public library was born, in many countries, out of a nineteenth-century faith in self-improvement. Reformers and benefactors paid for reading rooms in the hope that working people, given access to books, would educate themselves into better jobs and better citizenship. The buildings reflected that ambition: high ceilings, big windows, inscriptions about knowledge carved over the door.

That mission never disappeared, but it has been joined by another. As public services, banking, job applications and even medical appointments have moved online, the cost of not being online has risen sharply. Most people manage the transition without much thought. A substantial minority do not: people without reliable internet at home, people whose only device is a cracked phone on a prepaid plan, people who struggle with small screens, complex passwords or bureaucratic language. For them, the library has become the place where the digital state is made usable.

## A utility without a utility’s budget

If this were a water main or a bus route, it would be recognised as infrastructure — a shared system whose failure has costs for everyone, not only for its direct users. A person who cannot complete an online benefit claim does not simply go without. They phone a helpline, visit an office, fall into arrears, and sometimes end up in crisis services that cost far more than a library computer and an hour of a librarian’s time.

Yet libraries are funded, in most places, as discretionary culture. Their budgets are among the first to be trimmed when a local authority is under pressure, because closing a branch or shortening its hours looks like a cut to a nice-to-have rather than to a necessity. The effects are hard to measure, and they fall disproportionately on the people least able to complain.

Librarians describe the shift with a mixture of pride and fatigue. They have become, without much training or recognition, front-line digital support workers, informal advisers on forms they did not design, and sometimes the only sympathetic face in a long chain of automated systems. One librarian at Eastgate told me, without apparent irony, that she now spends more time resetting government passwords than recommending novels.

## Funding what we actually use

Treating libraries as infrastructure would change some practical things. It would mean stable, multi-year funding rather than annual bargaining. It would mean measuring performance by the services people actually receive — sessions of digital help, devices lent, forms completed — and not by book loans alone. And it would mean that the government departments which push services online contribute to the cost of the places people go when those services fail them.

It would also mean being honest about limits. A library is not a social work office or a benefits agency, and librarians should not be quietly turned into either. The answer to badly designed digital services is better design, not a heroic librarian at the end of the chain. A [review of assisted digital services](https://example.org/reviews/assisted-digital) makes the point well: the cheapest support is the support nobody needs because the form was clear in the first place.

> A city’s digital divide is not abstract. It has an address, opening hours and a queue for the printer.

Walking out of Eastgate at midday, I passed a new café across the street advertising free Wi-Fi to customers. It was nearly empty. The library, with its slow computers and its whiteboard of time slots, was full. That contrast is worth remembering the next time a budget committee asks what a library is for.
""",
    },
    {
        "slug": "heat-pumps-and-the-landlord-problem",
        "title": "Heat Pumps and the Landlord Problem",
        "standfirst": (
            "The technology to heat homes without burning fuel is mature and getting cheaper. "
            "The obstacle in many cities is not engineering but ownership: the person who pays "
            "for the upgrade is rarely the person who pays the bills."
        ),
        "section": "working-paper",
        "authors": ["zoe-hartmann"],
        "topics": ["energy", "cities"],
        "days_ago": 409,
        "status": "published",
        "body": """There is a particular kind of cold that renters know well. It is the cold of a flat with draughty single-glazed windows, an old gas boiler that the landlord insists is “perfectly fine”, and a heating bill that rises every winter however carefully the thermostat is managed. The tenant could not replace the boiler even if they wanted to. It is not theirs. And the landlord, who owns the boiler, does not pay the bill.

Economists call this the *split incentive*, and it is one of the most stubborn obstacles to cleaning up the way cities are heated. The technology is not the problem. Heat pumps — machines that move warmth from the outside air, the ground or a body of water into a building, using electricity — are well established, efficient and, in many markets, increasingly competitive with fossil-fuel boilers over their lifetime. Insulation is one of the oldest building technologies there is. What is missing is a reason for the person who would pay for the upgrade to actually pay for it.

## Who pays, who benefits

Consider the arithmetic from each side. A landlord who installs a heat pump and insulates a flat faces a substantial upfront cost, some disruption and perhaps a period without rent while the work is done. The benefit — lower running costs, a warmer home — goes mainly to the tenant. Unless the landlord can raise the rent to reflect the improvement, or the improvement makes the flat meaningfully easier to let, the investment does not pay back.

The tenant, meanwhile, would benefit but cannot act. Even a tenant willing to pay for an upgrade would be unwise to do so in a property they might leave within a year, with no way of recovering the cost. The result is a kind of paralysis. Everyone can see that the improvement would be worthwhile. Nobody is in a position to make it.

In cities where a large share of households rent, this is not a marginal issue. It can decide whether a decarbonisation plan succeeds or stalls. Owner-occupiers, especially better-off ones, can be coaxed into upgrades with grants and tax credits. The rented stock, and particularly its older and cheaper end, tends to be left behind — which means the households least able to afford high bills are also the last to be offered a way out of them.

## Tools that work

There is no single fix, but several approaches have shown promise, and they work best in combination:

- **Minimum standards with long notice.** Requiring rented homes to meet a rising efficiency floor, announced years in advance, gives landlords time to plan works around natural vacancies and boiler replacements.
- **Finance attached to the property.** Loans repaid through a charge linked to the building or its energy bill, rather than to the landlord personally, help align who pays with who benefits.
- **Targeted grants for the bottom of the market.** Small landlords with a single ageing flat are often short of cash; a blanket subsidy wastes money on owners who would have upgraded anyway.
- **Protection for tenants.** Rules must prevent upgrades being used as a pretext to evict tenants, or to raise rents by far more than the energy savings justify.

That last point deserves emphasis. In some cities, energy renovation has become associated with displacement, as owners use major works to empty buildings and relet them at higher rents. When that happens, tenants learn to fear improvements rather than demand them, and the political coalition for clean heating falls apart. A policy that warms homes by emptying them of their residents has failed on its own terms.

## Beyond the single building

For dense neighbourhoods of flats, building-by-building solutions may not be the right scale at all. Shared heat networks — pipes carrying warm water from a central source, increasingly a large heat pump drawing on a river, a sewer or waste heat from industry — can serve whole blocks at once. They shift the investment decision from thousands of individual landlords to a single operator, often publicly owned or closely regulated, and can decarbonise buildings whose owners would otherwise never coordinate.

Heat networks bring their own problems: high upfront costs, the need for consumer protection in what is effectively a local monopoly, and real questions about who governs them. But they illustrate a broader point. The landlord problem is not fundamentally about heat pumps. It is about how cities organise ownership of, and responsibility for, the things everyone depends on.

The cold flat with the ancient boiler is not a technical failure. It is an institutional one, and it will be solved, if it is solved, by institutions: by regulators setting standards, by lenders designing products that fit, by cities taking on networks that no individual owner would ever build. The machines are ready. The rules are what remain.
""",
    },
    {
        "slug": "who-reads-the-water-meter",
        "title": "Who Reads the Water Meter?",
        "standfirst": (
            "Smart meters promise to find leaks, end estimated bills and cut waste. In one "
            "city’s rollout, the most revealing data turned out to be about people, not pipes."
        ),
        "section": "field-notes",
        "authors": ["miroslava-drozd"],
        "topics": ["water", "technology"],
        "days_ago": 0,
        "status": "draft",
        "body": """For thirty-one years, Pavel Rusu read water meters in the older districts of Lindeholm. He knew which basements flooded, which dogs bit and which residents would offer him tea. He also knew, though it was no part of his job description, which of his elderly customers lived alone, and he noticed when one of them did not come to the door. Twice in his career he called an ambulance for someone he had found on a kitchen floor. Both times, he told me, the person survived.

Pavel retired the year the city finished installing smart water meters. The new devices send readings automatically, several times a day, over a low-power radio network. Nobody needs to go down into the basements any more. The water utility regards the project as a success, and by most technical measures it is.

## What the meters see

Smart meters do several useful things. They end the practice of estimated bills, which in Lindeholm had generated thousands of complaints a year. They let the utility spot continuous flow in the middle of the night — almost always a sign of a leak, whether a dripping cistern or a burst pipe under a garden — and alert customers within days instead of months. Early figures from the rollout suggest that leak alerts alone have cut wasted water noticeably in the districts that received them first.

But a meter that reports several times a day reveals more than consumption. Water use traces the rhythms of a household with surprising precision: when people wake, shower, cook and go to bed; when they are away; when a second person moves in or a long-term resident moves out. Aggregated across a neighbourhood, the data is a valuable planning tool. Attached to a single address, it is intimate.

The city’s privacy policy, to its credit, restricts access to fine-grained data and forbids its sale. Yet questions have already arisen at the edges. Could the data be used to check whether a benefit claimant really lives alone? Could a landlord request it to investigate subletting? Could the police ask for it? The answers, at present, depend on which office is asked, and on what day.

## The welfare question

The most interesting debate in Lindeholm is not about surveillance but about care. A group of social workers has proposed that the utility flag households where an older resident’s water use suddenly stops — no morning kettle, no evening wash — so that someone can check on them. In effect, they want to restore by algorithm what Pavel did by instinct.

The proposal divides people. Supporters point out that it could save lives, and that taking part would be voluntary. Opponents worry about normalising the use of utility data for monitoring, and about false alarms that send anxious relatives racing across the city because someone went to stay with a friend for the weekend. Some residents, when asked, said they would gladly sign up. Others said the idea made them feel watched in their own bathrooms.

It is worth noticing how different this is from the way Pavel worked. His attention was personal, limited and reciprocal. He saw his customers, and they saw him. He knew which of them wanted to be checked on and which wanted to be left alone. An algorithm has none of that context. It has only the flow.

## Principles before pilots

If cities are going to use utility data for purposes beyond billing — and many will — they should settle the rules before the first pilot rather than after the first scandal. A short list would go a long way:

- opt-in, never opt-out, for any welfare use of household data;
- a published register of every agency that has requested data, and why;
- strict limits on how long fine-grained readings are kept;
- a human being, not an automated message, at the end of any alert.

When I asked Pavel what he made of the proposal, he was quiet for a while. “The meter will notice when the water stops,” he said at last. “It won’t notice when someone is lonely. That was most of the job.”
""",
    },
    {
        "slug": "the-forecasts-we-forgot",
        "title": "The Forecasts We Forgot",
        "standfirst": (
            "Half a century ago, planners published confident charts of the energy future. "
            "Rereading them now is less an exercise in mockery than a lesson in which "
            "assumptions aged worst — and why."
        ),
        "section": "long-exposure",
        "authors": ["halvard-lindqvist", "tomas-okafor"],
        "topics": ["energy", "history", "technology"],
        "days_ago": -7,
        "status": "published",
        "body": """In a storage room beneath a provincial planning office, there is a shelf of reports that nobody has asked to see in decades. Their covers have faded to the colour of weak tea. Their titles share a family resemblance — *Energy Requirements to the Year 2000*, *Long-Range Supply Outlook*, *Options for the Coming Decades* — and so do their charts, which almost all slope upward in confident curves toward the right-hand edge of the page.

We spent several afternoons with these documents, partly out of curiosity and partly out of a suspicion that they might have something to teach the people now drawing the energy charts of the 2050s. They do, though not quite what we expected.

## The tyranny of the trend line

The most striking thing about the older forecasts is how much of their content rests on a single assumption: that demand for energy, and especially for electricity, would keep growing at something like the rate it had grown in the preceding decades. Several of the reports treated a doubling of consumption every decade or so as the natural state of affairs. The planner’s job was simply to find the supply to match.

In many wealthy economies, that assumption did not survive contact with the following decades. Demand kept rising for a while, but more slowly, and in some places it flattened or fell. Appliances grew more efficient. Heavy industry moved away or modernised. Buildings were insulated, sometimes grudgingly. The forecasts were not wrong about the physics; they were wrong about people, prices and the capacity of an economy to do more with less once it had a reason to.

It is worth dwelling on why this mistake was so common. A trend line is comforting. It requires no theory of why things change, only a record of how they have changed. And it is institutionally safe: a planner who extrapolates the past is rarely blamed for being surprised by the future, whereas a planner who predicts a break in the trend and turns out to be wrong will be remembered for it.

## What surprised them

Reading the reports side by side, we kept a list of the things they either missed or badly misjudged. It is not comprehensive, and hindsight makes everyone look clever, but the pattern is instructive:

- the scale of efficiency improvements once energy prices rose;
- the speed with which some technologies fell in cost once they were manufactured at scale, and the slowness with which others did;
- the political difficulty of building large, centralised plants near people who did not want them;
- the emergence of environmental limits — first local air pollution, later the climate — as a binding constraint rather than a footnote.

Few of these were entirely unforeseen. In almost every report, somewhere in an appendix or a cautious paragraph, an author had flagged the possibility. What is striking is how rarely those caveats made it into the headline charts. The uncertainty was acknowledged in the prose and ignored in the numbers.

## Lessons for the present

It would be easy, and unfair, to laugh at these documents. Their authors were capable people working with the data and tools they had, and many of their individual judgements were sensible. The useful question is not *why were they wrong?* but *which kinds of assumption aged worst?* Three answers suggest themselves.

First, assumptions about behaviour aged worse than assumptions about technology. Engineers could estimate what a machine would do; nobody could reliably predict how households and firms would respond to new prices and new options.

Second, forecasts that offered a single central line aged worse than those that offered a range of scenarios. A range is less satisfying to read, but it keeps the uncertainty in view, and it forces decision-makers to ask which choices hold up across several possible futures rather than one.

Third, the forecasts that aged best were those that stated their assumptions plainly enough for later readers to see exactly where they went wrong. That sounds like a consolation prize, but it is not. A forecast is most useful not as a prophecy but as an argument, and an argument can only be corrected if its premises are visible.

> A forecast is a letter to the future. The courteous thing is to write down what you were assuming.

Today’s energy projections are far more sophisticated than the tea-coloured reports in the basement. They use better models, more data and, usually, a range of scenarios. They will still be wrong, in ways their authors cannot foresee. The most we can ask is that they be wrong honestly — in a way that lets someone, fifty years from now, pull them off a shelf and learn something.
""",
    },
]

# Reader comments, so the threads and the moderation queue have something to show.
# "reply_to" is the index of an earlier comment in this list; "hours_after" counts from publication.
COMMENTS = [
    {
        "essay": "quiet-arithmetic-of-bus-lanes",
        "name": "Priya N.",
        "email": "priya@example.org",
        "text": "The point about counting people rather than vehicles is the one that finally "
        "changed my mind. Our council still reports “traffic” as cars per hour.",
        "status": "approved",
        "hours_after": 5,
    },
    {
        "essay": "quiet-arithmetic-of-bus-lanes",
        "name": "Marek",
        "email": "marek@example.org",
        "text": "Counting people is fine until the buses run empty at night.\n\n"
        "Would a lane that is only a bus lane at peak hours get most of the gain?",
        "status": "approved",
        "reply_to": 0,
        "hours_after": 9,
    },
    {
        "essay": "quiet-arithmetic-of-bus-lanes",
        "name": "Priya N.",
        "email": "priya@example.org",
        "text": "Peak-only lanes were tried here; drivers never learned the hours, and "
        "enforcement became the whole argument. See https://example.org/peak-lanes for the data.",
        "status": "approved",
        "reply_to": 1,
        "hours_after": 12,
    },
    {
        "essay": "quiet-arithmetic-of-bus-lanes",
        "name": "Joaquín R.",
        "email": "joaquin@example.org",
        "text": "What happens to deliveries? Nobody ever seems to model the van drivers.",
        "status": "pending",
        "hours_after": 30,
    },
    {
        "essay": "what-the-aqueduct-remembers",
        "name": "Eleni",
        "email": "eleni@example.org",
        "text": "Lovely piece. The keeper’s ledger deserves an essay of its own.",
        "status": "approved",
        "hours_after": 20,
    },
    {
        "essay": "what-the-aqueduct-remembers",
        "name": "CHEAP WATCHES",
        "email": "deals@spam.example",
        "text": "Best prices!!! http://spam.example/a http://spam.example/b http://spam.example/c",
        "status": "spam",
        "reasons": "Too many links: 3 (more than 2)",
        "hours_after": 22,
    },
    {
        "essay": "grid-that-learned-to-wait",
        "name": "Sam Okoro",
        "email": "sam@example.org",
        "text": "Demand response sounds modest until you see how much peak capacity it avoids "
        "building. I would have liked a figure for the cost per megawatt avoided.",
        "status": "pending",
        "hours_after": 3,
    },
]
