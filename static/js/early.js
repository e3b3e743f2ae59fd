// Runs before the page paints (the only blocking script): the phone menu starts folded when scripts run.
// Without JavaScript the menu simply stays open under the header.
document.documentElement.classList.add("js");
